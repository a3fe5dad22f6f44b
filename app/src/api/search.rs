use super::ApiError;
#[cfg(feature = "ssr")]
use crate::domain::{
    highlight, snippet, summaries, words, App, AppPage, AppSummary, CatalogQuery, SearchHit, SearchSort, SortOrder,
    MAX_QUERY_CHARS, SUGGESTION_COUNT,
};
use crate::domain::{SearchPage, SearchQuery, Suggestion};
#[cfg(feature = "ssr")]
use crate::ports::{cache_tags, AppState, SearchError};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

/// Words of description shown under each result.
#[cfg(feature = "ssr")]
const SNIPPET_WORDS: usize = 28;
#[cfg(feature = "ssr")]
const POPULAR_COUNT: u32 = 8;
#[cfg(feature = "ssr")]
const DID_YOU_MEAN_COUNT: usize = 3;

/// One page of search results. With no words it is the filtered catalog; when the search
/// backend fails, a plain text match from the catalog marked `limited`.
#[server(input = Json)]
pub async fn search_apps(query: SearchQuery) -> Result<SearchPage, ApiError> {
    let state = super::state()?;
    let query = SearchQuery { filters: query.filters.sanitized(), ..query };
    if query.text.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::BadRequest(format!("a search may have at most {MAX_QUERY_CHARS} characters")));
    }
    let words = query.words();
    let order = match query.sort {
        SearchSort::Relevance => SortOrder::TopRated,
        SearchSort::By(order) => order,
    };
    let (apps, total, facets, limited) = if words.is_empty() {
        let page = state.catalog.list(&CatalogQuery { sort: order, ..query.filters.clone() }).await?;
        (page.apps, page.total, page.facets, false)
    } else {
        let started = std::time::Instant::now();
        let searched = state.search.search(&query).await;
        observe(&state, "search", started, searched.is_ok());
        match searched {
            Ok(found) => (state.catalog.get_many(&found.slugs).await?, found.total, found.facets, false),
            Err(e) => {
                warn_search_failed(&e);
                let page: AppPage =
                    state.catalog.search_text(&words, &CatalogQuery { sort: order, ..query.filters.clone() }).await?;
                (page.apps, page.total, page.facets, true)
            }
        }
    };
    let (did_you_mean, popular) =
        if total == 0 { alternatives(&state, &query, limited).await? } else { Default::default() };
    // A limited page is not kept: the next visitor should get real results once search is back.
    if !limited {
        super::declare_cache_tags(
            [cache_tags::SEARCH.to_string(), cache_tags::LISTINGS.to_string()]
                .into_iter()
                .chain(apps.iter().chain(&did_you_mean).chain(&popular).map(|a| cache_tags::app(&a.slug))),
        );
    }
    Ok(SearchPage {
        hits: apps.into_iter().map(|app| hit(app, &words)).collect(),
        total,
        page: query.filters.page,
        per_page: query.filters.per_page,
        facets,
        limited,
        did_you_mean: summaries(did_you_mean),
        popular: summaries(popular),
    })
}

/// Apps for what is being typed into the search box.
#[server(input = GetUrl)]
pub async fn suggest_apps(text: String) -> Result<Vec<Suggestion>, ApiError> {
    let state = super::state()?;
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::BadRequest(format!("a search may have at most {MAX_QUERY_CHARS} characters")));
    }
    let words = words(&text);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let started = std::time::Instant::now();
    let suggested = state.search.suggest(&text, SUGGESTION_COUNT).await;
    observe(&state, "suggest", started, suggested.is_ok());
    let apps = match suggested {
        Ok(slugs) => state.catalog.get_many(&slugs).await?,
        Err(e) => {
            warn_search_failed(&e);
            let query = CatalogQuery { per_page: SUGGESTION_COUNT as u32, ..Default::default() };
            state.catalog.search_text(&words, &query).await?.apps
        }
    };
    Ok(apps.into_iter().map(|a| Suggestion { slug: a.slug, name: a.name, min_age: a.min_age }).collect())
}

#[cfg(feature = "ssr")]
fn hit(app: App, words: &[String]) -> SearchHit {
    SearchHit {
        name: highlight(&app.name, words),
        snippet: snippet(&app.description, words, SNIPPET_WORDS),
        app: AppSummary::from(app),
    }
}

/// With nothing found: apps close to the words, and the top-rated apps for the filters.
#[cfg(feature = "ssr")]
async fn alternatives(state: &AppState, query: &SearchQuery, limited: bool) -> Result<(Vec<App>, Vec<App>), ApiError> {
    let did_you_mean = if limited {
        Vec::new()
    } else {
        match state.search.suggest(&query.text, DID_YOU_MEAN_COUNT).await {
            Ok(slugs) => state.catalog.get_many(&slugs).await?,
            Err(e) => {
                warn_search_failed(&e);
                Vec::new()
            }
        }
    };
    let popular_query =
        CatalogQuery { per_page: POPULAR_COUNT, page: 1, sort: SortOrder::TopRated, ..query.filters.clone() };
    let mut popular = state.catalog.list(&popular_query).await?.apps;
    if popular.is_empty() {
        let by_age =
            CatalogQuery { age: query.filters.age, ..CatalogQuery { per_page: POPULAR_COUNT, ..Default::default() } };
        popular = state.catalog.list(&by_age).await?.apps;
    }
    Ok((did_you_mean, popular))
}

/// Search latency by backend and call, and the answers that had to come from the catalog.
#[cfg(feature = "ssr")]
fn observe(state: &AppState, call: &'static str, started: std::time::Instant, ok: bool) {
    let backend = state.search.backend();
    metrics::histogram!("famigo_search_duration_seconds", "backend" => backend, "call" => call)
        .record(started.elapsed().as_secs_f64());
    if !ok {
        metrics::counter!("famigo_search_fallbacks_total", "backend" => backend, "call" => call).increment(1);
    }
}

/// Logged at most once every 30 seconds per process: a dead backend must not flood the log.
#[cfg(feature = "ssr")]
fn warn_search_failed(error: &SearchError) {
    static WARNINGS: crate::ports::WarnThrottle = crate::ports::WarnThrottle::new();
    if WARNINGS.allow(30) {
        tracing::warn!("search failed, answering from the catalog: {error}");
    }
}
