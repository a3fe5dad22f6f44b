use super::ApiError;
#[cfg(feature = "ssr")]
use crate::domain::summaries;
#[cfg(feature = "ssr")]
use crate::domain::{AgeBand, Alternative, App, SortOrder, ALTERNATIVES_COUNT};
use crate::domain::{AppDetail, AppPage, AppSummary, CatalogQuery, Comparison, HomeShelves};
#[cfg(feature = "ssr")]
use crate::ports::cache_tags;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Apps per home-page shelf: fills whole rows at four, two or one cards per row.
pub const SHELF_SIZE: u32 = 8;
pub const SIMILAR_COUNT: usize = 6;
/// Apps the compare page offers to add.
pub const COMPARE_SUGGESTIONS: usize = 4;

/// One page of the catalog for a browse query.
#[server(input = Json)]
pub async fn list_apps(query: CatalogQuery) -> Result<AppPage<AppSummary>, ApiError> {
    let state = super::state()?;
    let page = state.catalog.list(&query.sanitized()).await?;
    super::declare_cache_tags(listing_tags(&page.apps));
    Ok(page.summarized())
}

/// An app and similar apps; `NotFound` for an unknown slug.
#[server(input = Json)]
pub async fn get_app(slug: String) -> Result<AppDetail, ApiError> {
    let state = super::state()?;
    let not_found = || ApiError::NotFound(format!("app {slug:?}"));
    if !crate::domain::is_valid_slug(&slug) {
        return Err(not_found());
    }
    let app = state.catalog.get(&slug).await?.ok_or_else(not_found)?;
    let similar = state.catalog.similar(&app, SIMILAR_COUNT).await?;
    let alternatives = state.catalog.safer_alternatives(&app, ALTERNATIVES_COUNT).await?;
    let mut changes = state.catalog.fact_history(&slug).await?;
    changes.truncate(crate::domain::CHANGES_SHOWN);
    // Both lists are chosen among the apps of the app's categories: a listing change there
    // (`stale_tags`) can change them.
    super::declare_cache_tags(
        std::iter::once(&app)
            .chain(&similar)
            .chain(&alternatives)
            .map(|a| cache_tags::app(&a.slug))
            .chain(app.categories.iter().map(|&c| cache_tags::category(c))),
    );
    let alternatives = alternatives
        .into_iter()
        .map(|other| Alternative {
            better: crate::domain::improvements(&other, &app).into_iter().map(String::from).collect(),
            app: other.into(),
        })
        .collect();
    Ok(AppDetail { app, similar: summaries(similar), changes, alternatives })
}

/// The apps of a comparison, in the order asked, and apps to add to it (the first app's safer
/// alternatives, then its similar apps). The list is checked as `domain::parse_compare_list`
/// checks it; an unknown app is a bad query naming it.
#[server(input = Json)]
pub async fn compare_apps(slugs: Vec<String>) -> Result<Comparison, ApiError> {
    let state = super::state()?;
    let slugs = crate::domain::parse_compare_list(&slugs.join(",")).map_err(ApiError::BadQuery)?;
    let apps = state.catalog.get_many(&slugs).await?;
    if let Some(unknown) = slugs.iter().find(|s| !apps.iter().any(|a| &a.slug == *s)) {
        return Err(ApiError::BadQuery(crate::domain::QueryError {
            param: "apps".into(),
            value: unknown.clone(),
            expected: "know no app by that name".into(),
        }));
    }
    let first = &apps[0];
    let mut suggestions = state.catalog.safer_alternatives(first, ALTERNATIVES_COUNT).await?;
    suggestions.extend(state.catalog.similar(first, SIMILAR_COUNT).await?);
    let mut seen: std::collections::HashSet<String> = slugs.iter().cloned().collect();
    suggestions.retain(|a| seen.insert(a.slug.clone()));
    suggestions.truncate(COMPARE_SUGGESTIONS);
    super::declare_cache_tags(
        apps.iter()
            .chain(&suggestions)
            .map(|a| cache_tags::app(&a.slug))
            .chain(first.categories.iter().map(|&c| cache_tags::category(c))),
    );
    Ok(Comparison { apps, suggestions: summaries(suggestions) })
}

/// The home page shelves: picks per age band, top rated and newest.
#[server(input = Json)]
pub async fn get_home() -> Result<HomeShelves, ApiError> {
    let state = super::state()?;
    let shelf = |query: CatalogQuery| {
        let catalog = state.catalog.clone();
        async move {
            let query = CatalogQuery { per_page: SHELF_SIZE, ..query };
            catalog.list(&query).await
        }
    };
    let mut by_age = Vec::new();
    for &band in AgeBand::ALL {
        let page = shelf(CatalogQuery { age: Some(band), ..Default::default() }).await?;
        super::declare_cache_tags(listing_tags(&page.apps));
        by_age.push((band, summaries(page.apps)));
    }
    let top = shelf(CatalogQuery::default()).await?;
    let newest = shelf(CatalogQuery { sort: SortOrder::Newest, ..Default::default() }).await?;
    super::declare_cache_tags(listing_tags(&top.apps).chain(listing_tags(&newest.apps)));
    let rising = rising_shelves(&state).await?;
    Ok(HomeShelves {
        rising,
        by_age,
        top_rated: summaries(top.apps),
        newest: summaries(newest.apps),
        total_apps: top.total,
    })
}

/// The trending lists as shelves. The trends store being down only hides them.
#[cfg(feature = "ssr")]
async fn rising_shelves(state: &crate::ports::AppState) -> Result<Vec<(AgeBand, Vec<AppSummary>)>, ApiError> {
    super::declare_cache_tags([cache_tags::TRENDING.to_string()]);
    let lists = match state.trends.trending().await {
        Ok(lists) => lists.unwrap_or_default(),
        Err(e) => {
            tracing::warn!("no rising shelves: {e}");
            return Ok(Vec::new());
        }
    };
    // One read for every band's apps; apps deleted since the lists were made drop out.
    let all: Vec<String> = lists.by_age.iter().flat_map(|(_, slugs)| slugs.iter().cloned()).collect();
    let mut found: std::collections::HashMap<String, App> =
        state.catalog.get_many(&all).await?.into_iter().map(|a| (a.slug.clone(), a)).collect();
    super::declare_cache_tags(found.keys().map(|slug| cache_tags::app(slug)));
    Ok(lists
        .by_age
        .into_iter()
        .map(|(band, slugs)| (band, summaries(slugs.iter().filter_map(|slug| found.remove(slug)).collect())))
        .filter(|(_, apps)| !apps.is_empty())
        .collect())
}

/// A listing shows the apps on it, and depends on the whole catalog for its membership.
#[cfg(feature = "ssr")]
fn listing_tags(apps: &[App]) -> impl Iterator<Item = String> + '_ {
    std::iter::once(cache_tags::LISTINGS.to_string()).chain(apps.iter().map(|a| cache_tags::app(&a.slug)))
}
