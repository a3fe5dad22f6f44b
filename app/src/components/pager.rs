use super::facets::listing_href;
use crate::domain::{CatalogQuery, SearchQuery};
use leptos::prelude::*;

/// Previous / next links and the position, as plain links so they work without JS.
#[component]
pub fn Pager(query: CatalogQuery, page_count: u32, #[prop(optional)] search: Option<SearchQuery>) -> impl IntoView {
    let page = query.page;
    let prev = (page > 1).then(|| listing_href(&search, query.with_page(page - 1)));
    let next = (page < page_count).then(|| listing_href(&search, query.with_page(page + 1)));
    view! {
        <nav class="pager" aria-label="Pages">
            {match prev {
                Some(href) => view! { <a rel="prev" href=href>"← Previous"</a> }.into_any(),
                None => view! { <span class="pager-off">"← Previous"</span> }.into_any(),
            }}
            <span class="pager-pos">{format!("Page {page} of {}", page_count.max(1))}</span>
            {match next {
                Some(href) => view! { <a rel="next" href=href>"Next →"</a> }.into_any(),
                None => view! { <span class="pager-off">"Next →"</span> }.into_any(),
            }}
        </nav>
    }
}
