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
    pub page_cache: Arc<dyn PageCache>,
    pub page_cache_stats: Arc<PageCacheStats>,
}

/// What the page cache middleware did, since the process started.
#[derive(Debug, Default)]
pub struct PageCacheStats {
    pub hits: std::sync::atomic::AtomicU64,
    pub misses: std::sync::atomic::AtomicU64,
    pub bypasses: std::sync::atomic::AtomicU64,
    /// Pages rendered for a miss (concurrent misses of one page render once).
    pub renders: std::sync::atomic::AtomicU64,
    pub stored: std::sync::atomic::AtomicU64,
}

/// The response header a page render declares its cache tags in; the page cache middleware
/// consumes it, so it never leaves the server.
pub const CACHE_TAGS_HEADER: &str = "x-cache-tags";

/// A complete HTML response kept by the page cache, with the tags of what it shows.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CachedPage {
    pub status: u16,
    /// The response headers worth replaying (content type and encoding, vary…).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Strong validator of `body`, quoted as it goes into the `ETag` header.
    pub etag: String,
    /// What the page shows (see `cache_tags`): a write to any of them makes the page stale.
    pub tags: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// The cache cannot be trusted right now; requests go to the renderer instead.
    #[error("page cache unavailable: {0}")]
    Unavailable(String),
}

/// Taken before a page renders: `PageCache::put` keeps nothing when a write was invalidated
/// after it, since the render may have read data from before that write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheMark(pub u64);

/// Rendered pages by request key, invalidated by tag rather than by time: after
/// `invalidate(tags)` returns, no node serves a page carrying one of those tags as it was.
#[async_trait]
pub trait PageCache: Send + Sync + 'static {
    /// Short name for logs and health reports ("memory", "redis").
    fn backend(&self) -> &'static str;

    async fn mark(&self) -> Result<CacheMark, CacheError>;

    /// The page stored under `key`, unless a write to one of its tags has happened since.
    async fn get(&self, key: &str) -> Result<Option<std::sync::Arc<CachedPage>>, CacheError>;

    /// Stores `page` unless an invalidation came after `since`; true when stored.
    async fn put(&self, key: &str, page: CachedPage, since: CacheMark) -> Result<bool, CacheError>;

    async fn invalidate(&self, tags: &[String]) -> Result<(), CacheError>;

    async fn ping(&self) -> Result<(), CacheError>;
}

/// The tags a page declares for what it shows, and a write bumps for what it changes.
pub mod cache_tags {
    use crate::domain::Category;

    /// Every page listing apps by a query (browse, home shelves): its membership, order and
    /// facet counts change when an app is added, removed or moved.
    pub const LISTINGS: &str = "listings";

    /// A page that shows this app (its card or its page).
    pub fn app(slug: &str) -> String {
        format!("app:{slug}")
    }

    /// A page whose "similar apps" were chosen among this category.
    pub fn category(category: Category) -> String {
        format!("category:{}", category.slug())
    }
}
