use crate::api::search::suggest_apps;
use crate::domain::{SearchQuery, Suggestion};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use std::time::Duration;

/// Pause in typing before suggestions are asked for.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// The search box in the header: a plain GET form to `/search`; with JS, apps are suggested
/// as the parent types (arrow keys move, Enter opens the chosen app, Escape closes).
#[component]
pub fn SearchBox() -> impl IntoView {
    let location = use_location();
    // On a results page the box shows that search.
    let current = move || {
        if location.pathname.get() == "/search" {
            SearchQuery::from_query_str(&location.search.get()).map(|q| q.text).unwrap_or_default()
        } else {
            Default::default()
        }
    };
    let suggestions = RwSignal::new(Vec::<Suggestion>::new());
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    // Answers can arrive out of order; only the latest request's answer is shown.
    let asked = StoredValue::new(0u64);
    // Only the browser types; the timer is per keystroke, the previous one cancelled.
    let pending = StoredValue::new(None::<TimeoutHandle>);
    // Leaving the box (a search or an app chosen) drops the typing still on its way.
    let settle = move || {
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        asked.update_value(|n| *n += 1);
        open.set(false);
        active.set(None);
    };
    let text = RwSignal::new(String::new());

    let fetch = move |typed: String| {
        let ticket = asked.get_value() + 1;
        asked.set_value(ticket);
        leptos::task::spawn_local(async move {
            let found = if typed.trim().is_empty() { Ok(Vec::new()) } else { suggest_apps(typed).await };
            if asked.get_value() == ticket {
                let found = found.unwrap_or_default();
                open.set(!found.is_empty());
                active.set(None);
                suggestions.set(found);
            }
        });
    };
    let on_input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        text.set(typed.clone());
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        pending.set_value(set_timeout_with_handle(move || fetch(typed), DEBOUNCE).ok());
    };

    let navigate = use_navigate();
    let go = {
        let navigate = navigate.clone();
        move |href: String| {
            settle();
            navigate(&href, Default::default());
        }
    };
    let on_keydown = {
        let go = go.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            let count = suggestions.with_untracked(Vec::len);
            match ev.key().as_str() {
                "ArrowDown" if count > 0 => {
                    ev.prevent_default();
                    open.set(true);
                    active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
                }
                "ArrowUp" if count > 0 => {
                    ev.prevent_default();
                    active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
                }
                "Enter" => {
                    let chosen = active.get_untracked().filter(|_| open.get_untracked());
                    if let Some(slug) =
                        chosen.and_then(|i| suggestions.with_untracked(|s| s.get(i).map(|s| s.slug.clone())))
                    {
                        ev.prevent_default();
                        go(format!("/apps/{slug}"));
                    }
                }
                "Escape" => settle(),
                _ => {}
            }
        }
    };
    let on_submit = {
        let go = go.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            go(SearchQuery::new(&text.get_untracked()).href());
        }
    };
    let option_id = |i: usize| format!("site-search-option-{i}");

    view! {
        <form class="site-search" role="search" method="get" action="/search" on:submit=on_submit>
            <label for="site-search-q" class="visually-hidden">"Search apps"</label>
            <input
                id="site-search-q"
                type="search"
                name="q"
                placeholder="Search apps and games"
                autocomplete="off"
                maxlength="200"
                role="combobox"
                aria-autocomplete="list"
                aria-controls="site-search-list"
                aria-expanded=move || open.get().to_string()
                aria-activedescendant=move || active.get().map(option_id)
                value=current
                prop:value=move || { let c = current(); if text.with(String::is_empty) { c } else { text.get() } }
                on:input=on_input
                on:keydown=on_keydown
                on:blur=move |_| open.set(false)
                on:focus=move |_| open.set(!suggestions.with(Vec::is_empty))
            />
            <button type="submit">"Search"</button>
            <ul
                id="site-search-list"
                class="suggestions"
                role="listbox"
                aria-label="Suggestions"
                hidden=move || !open.get()
                // Keeps focus in the box, so a click on a suggestion is not lost to the blur.
                on:mousedown=|ev| ev.prevent_default()
            >
                <For
                    each=move || suggestions.get().into_iter().enumerate()
                    key=|(i, s)| (*i, s.slug.clone())
                    children=move |(i, s)| {
                        let href = format!("/apps/{}", s.slug);
                        let go = go.clone();
                        let target = href.clone();
                        view! {
                            <li
                                id=option_id(i)
                                role="option"
                                aria-selected=move || (active.get() == Some(i)).to_string()
                                class:active=move || active.get() == Some(i)
                            >
                                <a href=href on:click=move |ev| { ev.prevent_default(); go(target.clone()); }>
                                    <span class="suggestion-name">{s.name}</span>
                                    <span class="suggestion-age">{format!("Age {}+", s.min_age)}</span>
                                </a>
                            </li>
                        }
                    }
                />
            </ul>
        </form>
    }
}
