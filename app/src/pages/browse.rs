use crate::api::catalog::list_apps;
use crate::api::ApiError;
use crate::components::{ActiveFilters, AppGrid, Canonical, ErrorPage, FacetPanel, Pager, SocialMeta};
use crate::domain::{
    Accessibility, AgeBand, AppPage, AppSummary, CatalogQuery, Category, ChatLimit, Language, Platform, PriceFilter,
    SafetyCheck, SortOrder, Subject,
};
use leptos::html;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

/// `/apps`: the catalog with filters. The URL is the state: the form is a plain GET form, and
/// with JS every change navigates to the canonical URL of the new query without a reload.
#[component]
pub fn BrowsePage() -> impl IntoView {
    let location = use_location();
    let query = Memo::new(move |_| CatalogQuery::from_query_str(&location.search.get()));
    let listing = Resource::new(
        move || query.get(),
        |query| async move {
            match query {
                Ok(query) => list_apps(query).await,
                Err(bad) => Err(ApiError::BadQuery(bad)),
            }
        },
    );
    let shown = move || query.get().unwrap_or_default();
    view! {
        <h1 class="page-title">{move || browse_title(&shown())}</h1>
        <div class="browse">
            <FilterForm query=Signal::derive(shown)/>
            <div class="results">
                <Transition fallback=|| view! { <p class="loading">"Loading apps…"</p> }>
                    {move || Suspend::new(async move {
                        match (listing.await, query.get_untracked()) {
                            (Ok(page), Ok(query)) => view! { <Results page query/> }.into_any(),
                            (Err(error), _) => view! { <ErrorPage error/> }.into_any(),
                            (Ok(_), Err(bad)) => view! { <ErrorPage error=ApiError::BadQuery(bad)/> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </div>
    }
}

/// A title naming every filter, the order and the page, so no two listings share one.
fn browse_title(q: &CatalogQuery) -> String {
    let mut parts = Vec::new();
    match q.price {
        Some(PriceFilter::Free) => parts.push("Free".to_string()),
        Some(PriceFilter::Paid) => parts.push("Paid".to_string()),
        None => {}
    }
    match q.category {
        Some(c) => parts.push(format!("{} apps", c.label())),
        None if parts.is_empty() => parts.push("Apps and games".to_string()),
        None => parts.push("apps and games".to_string()),
    }
    if let Some(b) = q.age {
        parts.push(format!("for {}", b.label().to_lowercase()));
    }
    if let Some(p) = q.platform {
        parts.push(format!("on {}", p.label()));
    }
    let mut without = Vec::new();
    if q.no_ads {
        without.push("ads");
    }
    if q.no_in_app_purchases {
        without.push("in-app purchases");
    }
    if q.no_data_collection {
        without.push("data collection");
    }
    if !without.is_empty() {
        parts.push(format!("without {}", without.join(" or ")));
    }
    if let Some(cents) = q.max_price_cents {
        parts.push(format!("up to {}", crate::domain::format_price(cents)));
    }
    if let Some(m) = q.min_learning {
        parts.push(format!("with learning {m}+"));
    }
    if let Some(s) = q.subject {
        parts.push(format!("teaching {}", s.label().to_lowercase()));
    }
    if let Some(l) = q.language {
        parts.push(format!("in {}", l.label()));
    }
    if let Some(a) = q.accessibility {
        parts.push(format!("with {}", a.label()));
    }
    let mut safe: Vec<String> = q.chat.iter().map(|c| c.label().to_lowercase()).collect();
    safe.extend(SafetyCheck::from_mask(q.checks).into_iter().map(|c| c.label().to_lowercase()));
    if !safe.is_empty() {
        parts.push(format!("· {}", safe.join(", ")));
    }
    match q.sort {
        SortOrder::TopRated => {}
        SortOrder::Newest => parts.push("· newest first".into()),
        SortOrder::Name => parts.push("· by name".into()),
        SortOrder::Learning => parts.push("· best for learning".into()),
    }
    if q.page > 1 {
        parts.push(format!("· page {}", q.page));
    }
    parts.join(" ")
}

/// The listing's own summary for search results and shared links.
fn browse_description(q: &CatalogQuery, total: u64) -> String {
    let noun = if total == 1 { "app" } else { "apps" };
    format!(
        "{}: {total} {noun} on Famigo, each with a parent's scorecard for learning, content, ads, \
         in-app purchases and data collection.",
        browse_title(q)
    )
}

#[component]
fn Results(page: AppPage<AppSummary>, query: CatalogQuery) -> impl IntoView {
    let page_count = page.page_count();
    let total = page.total;
    let noun = if total == 1 { "app" } else { "apps" };
    // A plain string, not a closure over the URL: leptos_meta reads the title after the
    // render's reactive owner is gone, and a closure over a disposed signal panics there.
    view! {
        <Title text=browse_title(&query)/>
        <Meta name="description" content=browse_description(&query, total)/>
        <Canonical path=query.href()/>
        <SocialMeta title=browse_title(&query) description=browse_description(&query, total) path=query.href()/>
        <ActiveFilters query=query.clone()/>
        <p class="result-count" data-total=total.to_string()>{format!("{total} {noun}")}</p>
        <div class="results-body">
            <FacetPanel query=query.clone() facets=page.facets/>
            <div class="results-list">
                {if page.apps.is_empty() {
                    view! {
                        <div class="empty-results">
                            <p>"No apps match all of these filters."</p>
                            <p>"Try removing one of them, or "<a href="/apps">"browse everything"</a>"."</p>
                        </div>
                    }
                    .into_any()
                } else {
                    view! {
                        <AppGrid apps=page.apps label="Results"/>
                        <Pager query page_count/>
                    }
                    .into_any()
                }}
            </div>
        </div>
    }
}

/// The filter form. Values are both attributes (for the server render) and properties (so
/// they follow client-side navigation). `action`: the listing it filters (`/apps`, `/my-apps`).
#[component]
pub(crate) fn FilterForm(
    query: Signal<CatalogQuery>,
    #[prop(default = "/apps")] action: &'static str,
) -> impl IntoView {
    let form = NodeRef::<html::Form>::new();
    let navigate = use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(form) = form.get() else { return };
        ev.prevent_default();
        let href = match form_query_string(&form) {
            Some(raw) => match CatalogQuery::from_query_str(&raw) {
                Ok(q) if action == "/apps" => q.href(),
                Ok(q) => format!("{action}?{}", q.to_query_string()),
                Err(_) => format!("{action}?{raw}"),
            },
            None => return,
        };
        navigate(&href, NavigateOptions { scroll: false, ..Default::default() });
    };
    let on_change = move |_| {
        if let Some(form) = form.get() {
            let _ = form.request_submit();
        }
    };

    let select = move |name: &'static str,
                       label: &'static str,
                       any: &'static str,
                       options: Vec<(&'static str, &'static str)>,
                       current: Signal<Option<&'static str>>| {
        let id = format!("filter-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <select id=id name=name>
                    <option value="" selected=move || current.get().is_none() prop:selected=move || current.get().is_none()>{any}</option>
                    {options
                        .into_iter()
                        .map(|(value, text)| {
                            let is = move || current.get() == Some(value);
                            view! { <option value=value selected=is prop:selected=is>{text}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
        }
    };
    let check = move |name: &'static str, label: &'static str, on: Signal<bool>| {
        view! {
            <label class="check">
                <input type="checkbox" name=name value="1" checked=move || on.get() prop:checked=move || on.get()/>
                {label}
            </label>
        }
    };
    let q = query;
    view! {
        <form class="filters" method="get" action=action node_ref=form on:submit=on_submit on:change=on_change>
            <h2 class="visually-hidden">"Filters"</h2>
            {select("age", "Age", "Any age",
                AgeBand::ALL.iter().map(|b| (b.slug(), b.label())).collect(),
                Signal::derive(move || q.get().age.map(|b| b.slug())))}
            {select("platform", "Platform", "Any platform",
                Platform::ALL.iter().map(|p| (p.slug(), p.label())).collect(),
                Signal::derive(move || q.get().platform.map(|p| p.slug())))}
            {select("category", "Category", "Any category",
                Category::ALL.iter().map(|c| (c.slug(), c.label())).collect(),
                Signal::derive(move || q.get().category.map(|c| c.slug())))}
            {select("price", "Price", "Free or paid",
                PriceFilter::ALL.iter().map(|p| (p.slug(), p.label())).collect(),
                Signal::derive(move || q.get().price.map(|p| p.slug())))}
            <div class="field">
                <label for="filter-max-price">"Max price ($)"</label>
                <input
                    id="filter-max-price"
                    type="number"
                    name="max_price"
                    min="0"
                    max="1000"
                    step="0.01"
                    inputmode="decimal"
                    placeholder="Any"
                    value=move || q.get().max_price_text()
                    prop:value=move || q.get().max_price_text().unwrap_or_default()
                />
            </div>
            {select("min_learning", "Learning rating", "Any",
                vec![("1", "1+"), ("2", "2+"), ("3", "3+"), ("4", "4+"), ("5", "5")],
                Signal::derive(move || q.get().min_learning.map(|n| ["", "1", "2", "3", "4", "5"][n.min(5) as usize])))}
            <fieldset class="field checks">
                <legend>"Safety"</legend>
                {check("no_ads", "No ads", Signal::derive(move || q.get().no_ads))}
                {check("no_iap", "No in-app purchases", Signal::derive(move || q.get().no_in_app_purchases))}
                {check("no_data", "No data collection", Signal::derive(move || q.get().no_data_collection))}
                {SafetyCheck::ALL.iter().map(|&c| check(c.slug(), c.label(), Signal::derive(move || q.get().requires(c)))).collect_view()}
            </fieldset>
            {select("chat", "Chat", "Any chat",
                ChatLimit::ALL.iter().map(|c| (c.slug(), c.label())).collect(),
                Signal::derive(move || q.get().chat.map(|c| c.slug())))}
            {select("lang", "Language", "Any language",
                Language::ALL.iter().map(|l| (l.slug(), l.label())).collect(),
                Signal::derive(move || q.get().language.map(|l| l.slug())))}
            {select("a11y", "Accessibility", "Any",
                Accessibility::ALL.iter().map(|a| (a.slug(), a.label())).collect(),
                Signal::derive(move || q.get().accessibility.map(|a| a.slug())))}
            {select("subject", "Subject", "Any subject",
                Subject::ALL.iter().map(|s| (s.slug(), s.label())).collect(),
                Signal::derive(move || q.get().subject.map(|s| s.slug())))}
            {select("sort", "Sort by", SortOrder::TopRated.label(),
                SortOrder::ALL[1..].iter().map(|s| (s.slug(), s.label())).collect(),
                Signal::derive(move || Some(q.get().sort).filter(|s| *s != SortOrder::TopRated).map(|s| s.slug())))}
            <button type="submit" class="apply">"Apply filters"</button>
        </form>
    }
}

/// The form's fields as a query string, the same one a plain GET submit would produce.
fn form_query_string(form: &web_sys::HtmlFormElement) -> Option<String> {
    let data = web_sys::FormData::new_with_form(form).ok()?;
    let params = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data).ok()?;
    Some(String::from(params.to_string()))
}
