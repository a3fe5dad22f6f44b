//! `/my-apps`: the signed-in parent's favorite apps, newest favorite first, with the browse
//! page's filters (the same query parameters).

use super::browse::FilterForm;
use super::SignInPrompt;
use crate::api::favorites::my_apps;
use crate::api::ApiError;
use crate::components::{AppGrid, ErrorPage};
use crate::domain::CatalogQuery;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_location;

#[component]
pub fn MyAppsPage() -> impl IntoView {
    let location = use_location();
    let query = Memo::new(move |_| CatalogQuery::from_query_str(&location.search.get()));
    let listing = Resource::new(
        move || query.get(),
        |query| async move {
            match query {
                Ok(query) => my_apps(query).await,
                Err(bad) => Err(ApiError::BadQuery(bad)),
            }
        },
    );
    let shown = move || query.get().unwrap_or_default();
    view! {
        <Title text="My apps · Famigo"/>
        <Meta name="robots" content="noindex"/>
        <Transition fallback=|| view! { <p class="loading">"Loading your apps…"</p> }>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(page) => {
                        let query = shown();
                        let pages = page.page_count();
                        let filtered = query.has_filters();
                        view! {
                            <h1 class="page-title">"My apps"</h1>
                            <div class="browse">
                                <FilterForm query=Signal::derive(shown) action="/my-apps"/>
                                <div class="results">
                                    <p class="result-count" data-total=page.total.to_string()>{match (page.total, filtered) {
                                        (0, false) => "No favorites yet: tap the heart on any app to keep it here.".to_string(),
                                        (0, true) => "None of your favorites match these filters.".to_string(),
                                        (1, _) => "1 app".to_string(),
                                        (n, _) => format!("{n} apps"),
                                    }}</p>
                                    <AppGrid apps=page.apps label="My apps"/>
                                    {(pages > 1).then(|| view! {
                                        <nav class="pager" aria-label="Pages">
                                            {(query.page > 1).then(|| view! { <a rel="prev" href=format!("/my-apps?{}", query.with_page(query.page - 1).to_query_string())>"← Previous"</a> })}
                                            <span class="pager-pos">{format!("Page {} of {pages}", query.page)}</span>
                                            {(query.page < pages).then(|| view! { <a rel="next" href=format!("/my-apps?{}", query.with_page(query.page + 1).to_query_string())>"Next →"</a> })}
                                        </nav>
                                    })}
                                </div>
                            </div>
                        }.into_any()
                    }
                    Err(ApiError::SignInRequired) => view! { <SignInPrompt next="/my-apps"/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}
