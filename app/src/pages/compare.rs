use crate::api::catalog::compare_apps;
use crate::api::ApiError;
use crate::components::{AppBadge, Canonical, ErrorPage};
use crate::domain::{compare_href, compare_rows, parse_compare_list, AppSummary, Comparison, COMPARE_MAX};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// `/compare?apps=a,b`: 2–4 apps side by side, a row per fact, differences highlighted and
/// the best value of each row marked. Plain links, so it works without JavaScript.
#[component]
pub fn ComparePage() -> impl IntoView {
    let query = use_query_map();
    let slugs = Memo::new(move |_| parse_compare_list(&query.read().get("apps").unwrap_or_default()));
    let comparison = Resource::new(
        move || slugs.get(),
        |slugs| async move {
            match slugs {
                Ok(slugs) => compare_apps(slugs).await,
                Err(bad) => Err(ApiError::BadQuery(bad)),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match comparison.await {
                    Ok(comparison) => view! { <CompareTable comparison/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// "A, B and C"
fn names(apps: &[String]) -> String {
    match apps {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[component]
fn CompareTable(comparison: Comparison) -> impl IntoView {
    let Comparison { apps, suggestions } = comparison;
    let slugs: Vec<String> = apps.iter().map(|a| a.slug.clone()).collect();
    let title = format!("Compare {}", names(&apps.iter().map(|a| a.name.clone()).collect::<Vec<_>>()));
    let rows = compare_rows(&apps);
    let mut groups: Vec<(String, Vec<crate::domain::CompareRow>)> = Vec::new();
    for row in rows {
        match groups.last_mut() {
            Some((group, rows)) if *group == row.group => rows.push(row),
            _ => groups.push((row.group.clone(), vec![row])),
        }
    }
    let columns = apps.len();
    let heads = apps
        .iter()
        .map(|app| {
            let others: Vec<String> = slugs.iter().filter(|s| **s != app.slug).cloned().collect();
            let remove = (others.len() >= 2).then(|| compare_href(&others));
            view! {
                <th scope="col" class="compare-app">
                    <a href=format!("/apps/{}", app.slug) class="compare-app-link">
                        <AppBadge name=app.name.clone() slug=app.slug.clone() icon=app.facts.store.images.icon.clone()/>
                        <span class="compare-app-name">{app.name.clone()}</span>
                    </a>
                    <span class="compare-app-dev">{app.developer.clone()}</span>
                    {remove.map(|href| view! { <a class="compare-remove" href=href>"Remove"<span class="visually-hidden">{format!(" {}", app.name)}</span></a> })}
                </th>
            }
        })
        .collect_view();
    let body = groups
        .into_iter()
        .map(|(group, rows)| {
            view! {
                <tbody>
                    <tr class="compare-group"><th scope="colgroup" colspan=(columns + 1).to_string()>{group}</th></tr>
                    {rows
                        .into_iter()
                        .map(|row| {
                            let cells = row
                                .values
                                .into_iter()
                                .zip(row.best)
                                .map(|(value, best)| {
                                    view! {
                                        <td class:compare-best=best>
                                            {value}
                                            {best.then(|| view! { <span class="best-mark">" Best"</span> })}
                                        </td>
                                    }
                                })
                                .collect_view();
                            let (label, data_row, differs) = (row.label.clone(), row.label, row.differs);
                            view! {
                                <tr class:compare-differs=differs data-row=data_row>
                                    <th scope="row">{label}</th>
                                    {cells}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            }
        })
        .collect_view();
    let can_add = apps.len() < COMPARE_MAX && !suggestions.is_empty();
    view! {
        <Title text=title.clone()/>
        <Meta name="description" content=format!("{title}: age, money, ads, privacy, chat, content and learning, side by side.")/>
        <Meta name="robots" content="noindex"/>
        <Canonical path=compare_href(&slugs)/>
        <h1 class="page-title">{title}</h1>
        <p class="compare-legend">"Rows where the apps differ are highlighted; the best value of a row is marked "<strong>"Best"</strong>"."</p>
        <div class="compare-scroll">
            <table class="compare">
                <thead><tr><td></td>{heads}</tr></thead>
                {body}
            </table>
        </div>
        {can_add.then(|| view! { <AddToComparison slugs=slugs.clone() suggestions/> })}
    }
}

/// Links that each add one more app to the comparison.
#[component]
fn AddToComparison(slugs: Vec<String>, suggestions: Vec<AppSummary>) -> impl IntoView {
    view! {
        <section class="compare-add">
            <h2>"Add an app to compare"</h2>
            <ul>
                {suggestions
                    .into_iter()
                    .map(|app| {
                        let mut with = slugs.clone();
                        with.push(app.slug.clone());
                        view! {
                            <li>
                                <a href=compare_href(&with)>
                                    <AppBadge name=app.name.clone() slug=app.slug.clone() icon=app.icon.clone()/>
                                    <span>{format!("Add {}", app.name)}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
