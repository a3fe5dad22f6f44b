//! The traits the server functions talk to, and the state that carries their adapters.
//! Server-only: adapters live in the `server` crate and are chosen once at startup.

use crate::domain::{App, AppFieldError, AppPage, CatalogQuery};
use async_trait::async_trait;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store cannot be reached right now; the request may succeed later.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// A record broke a rule of the domain; nothing was written.
    #[error("invalid app {slug:?}: {source}")]
    Invalid { slug: String, source: AppFieldError },
    /// Anything else the backend reported.
    #[error("store error: {0}")]
    Backend(String),
}

/// The catalog of apps: the source of truth for everything the site lists.
///
/// Orders are total so pages never overlap: top rated = rating desc, rating count desc, slug;
/// newest = released desc, slug; name = lowercase name, slug; learning = learning rating desc,
/// rating desc, slug. Facet counts follow `FacetCounts::add`.
#[async_trait]
pub trait Catalog: Send + Sync + 'static {
    /// Short name for logs and health reports ("sqlite", "mongodb").
    fn backend(&self) -> &'static str;

    /// Inserts or replaces apps by slug. Every app is validated first; if one is invalid,
    /// nothing is written. Apps read back normalized (`App::normalize`).
    async fn upsert_many(&self, apps: &[App]) -> Result<(), StoreError>;

    async fn get(&self, slug: &str) -> Result<Option<App>, StoreError>;

    /// The apps with these slugs, in the order given; unknown slugs are skipped.
    async fn get_many(&self, slugs: &[String]) -> Result<Vec<App>, StoreError>;

    /// Removes an app; false when there was none.
    async fn delete(&self, slug: &str) -> Result<bool, StoreError>;

    /// One page of the apps matching the query's filters, in its order, with facet counts.
    async fn list(&self, query: &CatalogQuery) -> Result<AppPage, StoreError>;

    /// Apps that share a category with `app` and whose youngest age is within two years of
    /// its own, top rated first; never `app` itself.
    async fn similar(&self, app: &App, limit: usize) -> Result<Vec<App>, StoreError>;

    async fn count(&self) -> Result<u64, StoreError>;

    /// Apps in slug order after `after` (exclusive), for walking the whole catalog in batches.
    async fn scan(&self, after: Option<&str>, limit: usize) -> Result<Vec<App>, StoreError>;

    /// A cheap round-trip proving the store answers.
    async fn ping(&self) -> Result<(), StoreError>;
}

/// Everything a request handler or server function may need, put into Leptos context by
/// `leptos_routes` (it provides the router state to every route and server function).
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub catalog: Arc<dyn Catalog>,
    /// Base URL for `/pkg` assets when a CDN serves them (`ASSET_URL`); None = this server.
    pub asset_url: Option<String>,
}
