use crate::api::search::search_apps;
use crate::api::ApiError;
use crate::components::{
    listing_href, ActiveFilters, AppBadge, AppGrid, Canonical, ErrorPage, FacetPanel, FavoriteButton, Pager,
};
use crate::domain::{format_price, format_rating, Marked, SearchHit, SearchPage, SearchQuery, SearchSort};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;
use leptos_router::NavigateOptions;

/// `/search?q=…` with the browse filters: results with the matched words marked, facet
/// counts and pages, all as plain links; the header's search box is the form.
#[component]
pub fn SearchResultsPage() -> impl IntoView {
    let location = use_location();
    let parsed = Memo::new(move |_| SearchQuery::from_query_str(&location.search.get()));
    // Filters written as words ("free", "for 4 year olds") become the search's filters, and the
    // URL is rewritten to say so: a 302 from the server, a replaced entry in the browser.
    let understood = Memo::new(move |_| parsed.get().ok().and_then(|q| q.with_filters_from_words()));
    let query = Memo::new(move |_| parsed.get().map(|q| understood.get().unwrap_or(q)));
    let results = Resource::new(
        move || query.get(),
        |query| async move {
            match query {
                Ok(query) => search_apps(query).await,
                Err(bad) => Err(ApiError::BadQuery(bad)),
            }
        },
    );
    view! {
        {move || understood.get().map(|q| view! {
            <Redirect path=q.href() options=NavigateOptions { replace: true, ..Default::default() }/>
        })}
        <Transition fallback=|| view! { <p class="loading">"Searching…"</p> }>
            {move || Suspend::new(async move {
                match (results.await, query.get_untracked()) {
                    (Ok(page), Ok(query)) => view! { <Results page query/> }.into_any(),
                    (Err(error), _) => view! { <ErrorPage error/> }.into_any(),
                    (Ok(_), Err(bad)) => view! { <ErrorPage error=ApiError::BadQuery(bad)/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// "Search: “dino” · Ages 5–7 · Free · newest first · page 2": unique per result page.
fn search_title(q: &SearchQuery) -> String {
    let mut parts = vec![if q.text.is_empty() { "Search".to_string() } else { format!("Search: “{}”", q.text) }];
    let f = &q.filters;
    parts.extend(f.age.map(|b| b.label().to_string()));
    parts.extend(f.platform.map(|p| p.label().to_string()));
    parts.extend(f.category.map(|c| c.label().to_string()));
    parts.extend(f.price.map(|p| p.label().to_string()));
    parts.extend(f.max_price_text().map(|m| format!("up to ${m}")));
    if f.no_ads {
        parts.push("no ads".into());
    }
    if f.no_in_app_purchases {
        parts.push("no in-app purchases".into());
    }
    if f.no_data_collection {
        parts.push("no data collection".into());
    }
    parts.extend(f.min_learning.map(|n| format!("learning {n}+")));
    if q.sort != SearchSort::Relevance {
        parts.push(q.sort.label().to_lowercase());
    }
    if f.page > 1 {
        parts.push(format!("page {}", f.page));
    }
    parts.join(" · ")
}

#[component]
fn Results(page: SearchPage, query: SearchQuery) -> impl IntoView {
    let page_count = page.page_count();
    let total = page.total;
    let noun = if total == 1 { "app" } else { "apps" };
    let heading = if query.text.is_empty() {
        "Search the catalog".to_string()
    } else {
        format!("Apps matching “{}”", query.text)
    };
    let count = if query.text.is_empty() {
        format!("{total} {noun}")
    } else {
        format!("{total} {noun} for “{}”", query.text)
    };
    // Beyond the first page, results stay out of search engines (robots.txt says the same).
    let robots = if query.filters.page > 1 { "noindex, follow" } else { "index, follow" };
    view! {
        <Title text=search_title(&query)/>
        <Meta name="description" content=format!("{}: {count} on Famigo.", search_title(&query))/>
        <Meta name="robots" content=robots/>
        <Canonical path=query.href()/>
        <h1 class="page-title">{heading}</h1>
        {page.limited.then(|| view! {
            <p class="notice limited-search" role="status" data-testid="limited-search">
                "Search is limited right now: these are apps whose name or description contains your words."
            </p>
        })}
        <ActiveFilters query=query.filters.clone() search=query.clone()/>
        <div class="search-bar">
            <p class="result-count" data-total=total.to_string()>{count}</p>
            <SortLinks query=query.clone()/>
        </div>
        <div class="results-body">
            <FacetPanel query=query.filters.clone() facets=page.facets.clone() search=query.clone()/>
            <div class="results-list">
                {if page.hits.is_empty() {
                    view! { <NoResults page query=query.clone()/> }.into_any()
                } else {
                    view! {
                        <ol class="search-results" aria-label="Results">
                            {page.hits.into_iter().map(|hit| view! { <ResultItem hit/> }).collect_view()}
                        </ol>
                        <Pager query=query.filters.clone() page_count search=query.clone()/>
                    }
                    .into_any()
                }}
            </div>
        </div>
    }
}

#[component]
fn SortLinks(query: SearchQuery) -> impl IntoView {
    view! {
        <nav class="sort-links" aria-label="Sort results">
            <span>"Sort: "</span>
            {SearchSort::ALL
                .iter()
                .map(|&sort| {
                    let href = SearchQuery { sort, filters: query.filters.with_page(1), ..query.clone() }.href();
                    let current = sort == query.sort;
                    view! {
                        <a href=href class:current=current aria-current=current.then_some("true")>{sort.label()}</a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

fn marked(runs: Vec<Marked>) -> impl IntoView {
    runs.into_iter()
        .map(|run| if run.hit { view! { <mark>{run.text}</mark> }.into_any() } else { run.text.into_any() })
        .collect_view()
}

#[component]
fn ResultItem(hit: SearchHit) -> impl IntoView {
    let app = hit.app;
    let href = format!("/apps/{}", app.slug);
    let rating = format_rating(app.rating_avg);
    view! {
        <li class="search-result" data-card=app.slug.clone()>
            <AppBadge name=app.name.clone() slug=app.slug.clone() icon=app.icon.clone()/>
            <div class="search-result-body">
                <a class="search-result-name" href=href>{marked(hit.name)}</a>
                <span class="app-card-dev">{app.developer.clone()}</span>
                <p class="search-result-snippet">{marked(hit.snippet)}</p>
                <span class="app-card-meta">
                    <span class="age-pill">{format!("Age {}+", app.min_age)}</span>
                    <span class="price">{format_price(app.price_cents)}</span>
                    <span class="stars" title=format!("{rating} out of 5 stars")>{format!("★ {rating}")}</span>
                </span>
            </div>
            <FavoriteButton slug=app.slug.clone() name=app.name.clone()/>
        </li>
    }
}

#[component]
fn NoResults(page: SearchPage, query: SearchQuery) -> impl IntoView {
    let broader = listing_href(&Some(SearchQuery { filters: Default::default(), ..query.clone() }), Default::default());
    let has_filters = query.filters.has_filters();
    view! {
        <div class="empty-results" data-testid="no-results">
            <p>{format!("No apps match “{}”{}.", query.text, if has_filters { " with these filters" } else { "" })}</p>
            {has_filters.then(|| view! { <p><a href=broader>"Search without filters"</a></p> })}
            {(!page.did_you_mean.is_empty()).then(|| view! {
                <p class="did-you-mean">
                    "Did you mean "
                    {page.did_you_mean
                        .into_iter()
                        .enumerate()
                        .map(|(i, app)| view! {
                            {(i > 0).then_some(", ")}
                            <a href=format!("/apps/{}", app.slug)>{app.name}</a>
                        })
                        .collect_view()}
                    "?"
                </p>
            })}
            {(!page.popular.is_empty()).then(|| view! {
                <h2 class="shelf-title">"Popular picks"</h2>
                <AppGrid apps=page.popular label="Popular picks"/>
            })}
        </div>
    }
}
