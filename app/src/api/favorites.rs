//! Favorites: the heart on app cards and app pages, and "My apps".

use super::ApiError;
use crate::domain::{AppPage, AppSummary, CatalogQuery};
use leptos::prelude::*;

/// Marks (`on`) or unmarks an app as the signed-in parent's favorite; answers the new state.
/// Without JavaScript the form post comes back to the page it was sent from.
#[server(endpoint = "set_favorite")]
pub async fn set_favorite(slug: String, on: bool) -> Result<bool, ApiError> {
    let user = super::auth::require_user().await?;
    let state = super::state()?;
    if on {
        if state.catalog.get(&slug).await?.is_none() {
            return Err(ApiError::NotFound(format!("app {slug:?}")));
        }
        state.accounts.add_favorite(&user.id, &slug).await?;
    } else {
        state.accounts.remove_favorite(&user.id, &slug).await?;
    }
    Ok(on)
}

/// The signed-in parent's favorite apps that match `query`'s filters, most recently added
/// first, one page of them.
#[server(input = leptos::server_fn::codec::Json)]
pub async fn my_apps(query: CatalogQuery) -> Result<AppPage<AppSummary>, ApiError> {
    let user = super::auth::require_user().await?;
    let state = super::state()?;
    let query = query.sanitized();
    let slugs = state.accounts.favorites(&user.id).await?;
    // An app deleted from the catalog since it was favorited is skipped by `get_many`.
    let matching: Vec<_> = state.catalog.get_many(&slugs).await?.into_iter().filter(|app| query.matches(app)).collect();
    let total = matching.len() as u64;
    let apps = matching.into_iter().skip(query.offset() as usize).take(query.per_page as usize).collect();
    Ok(AppPage { apps, total, page: query.page, per_page: query.per_page, facets: Default::default() }.summarized())
}
