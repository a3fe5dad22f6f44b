//! The traits the server functions talk to, and the state that carries their adapters.
//! Server-only: adapters live in the `server` crate and are chosen once at startup.

use crate::domain::{App, AppFieldError, AppPage, CatalogQuery, FacetCounts, FactChange, SearchQuery};
use async_trait::async_trait;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

mod accounts;
mod backend_error;
mod media;
mod reviews;
mod secrets;
pub use accounts::{
    AccountError, Accounts, NewUser, PasswordHash, Throttle, ThrottleError, ThrottlePolicy, UserRecord,
};
use backend_error::from_backend_error;
pub use backend_error::{BackendError, Causes};
pub use media::{MediaError, MediaStore, StoredImage};
pub use reviews::{ReviewDraft, ReviewError, Reviews};
pub use secrets::{AdminToken, SecretKey};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store cannot be reached right now; the request may succeed later.
    #[error("store unavailable: {0}")]
    Unavailable(#[source] BackendError),
    /// A record broke a rule of the domain; nothing was written.
    #[error("invalid app {slug:?}: {source}")]
    Invalid { slug: String, source: AppFieldError },
    /// Anything else the backend reported.
    #[error("store error: {0}")]
    Backend(#[source] BackendError),
}

/// The catalog of apps: the source of truth for everything the site lists.
///
/// Orders are total so pages never overlap: top rated = rating score (`App::rating_score`)
/// desc, rating count desc, slug; newest = released desc, slug; name = lowercase name, slug;
/// learning = learning key (`App::learning_key`) desc, rating score desc, slug. Facet counts follow `FacetCounts::add`.
#[async_trait]
pub trait Catalog: Send + Sync + 'static {
    /// Short name for logs and health reports ("sqlite", "mongodb").
    fn backend(&self) -> &'static str;

    /// Inserts or replaces apps by slug. Every app is validated first; if one is invalid,
    /// nothing is written. Apps read back normalized (`App::normalize`). Answers the versions
    /// this write replaced, as the store held them (read with the write: the fact history is
    /// worked out from them, and the layers above reuse them instead of reading again).
    async fn upsert_many(&self, apps: &[App]) -> Result<Vec<App>, StoreError>;

    async fn get(&self, slug: &str) -> Result<Option<App>, StoreError>;

    /// The apps with these slugs, in the order given; unknown slugs are skipped.
    async fn get_many(&self, slugs: &[String]) -> Result<Vec<App>, StoreError>;

    /// The changes of the app's safety, privacy and money facts (`domain::fact_changes`),
    /// newest first. Every `upsert_many` that changes one records it, in the same write.
    async fn fact_history(&self, slug: &str) -> Result<Vec<FactChange>, StoreError>;

    /// Removes an app; false when there was none.
    async fn delete(&self, slug: &str) -> Result<bool, StoreError>;

    /// One page of the apps matching the query's filters, in its order, with facet counts.
    async fn list(&self, query: &CatalogQuery) -> Result<AppPage, StoreError>;

    /// Apps that share a category with `app` and whose youngest age is within two years of
    /// its own, top rated first; never `app` itself.
    async fn similar(&self, app: &App, limit: usize) -> Result<Vec<App>, StoreError>;

    /// "Same idea, fewer risks": up to `limit` apps for which `domain::is_alternative(_, app)`
    /// holds, best for learning first. This default asks `list` the `alternative_queries` (a
    /// page each) and merges them; the browse index answers from its bitsets instead.
    async fn safer_alternatives(&self, app: &App, limit: usize) -> Result<Vec<App>, StoreError> {
        // Every app these queries find is an alternative (the app itself is never better than
        // itself), so the first `limit` of each hold the first `limit` of them all.
        let per_page = (limit as u32).clamp(1, crate::domain::MAX_PER_PAGE);
        let mut found: Vec<App> = Vec::new();
        for query in crate::domain::alternative_queries(app, per_page) {
            for other in self.list(&query).await?.apps {
                if crate::domain::is_alternative(&other, app) && !found.iter().any(|f| f.slug == other.slug) {
                    found.push(other);
                }
            }
        }
        found.sort_by(crate::domain::best_for_learning_first);
        found.truncate(limit);
        Ok(found)
    }

    async fn count(&self) -> Result<u64, StoreError>;

    /// Like `list`, among the apps whose name or description contains every one of `words`
    /// (folded words, as `domain::words` makes them; compared ignoring case). The plain match
    /// search falls back to when the search index is down; no words = `list`.
    async fn search_text(&self, words: &[String], query: &CatalogQuery) -> Result<AppPage, StoreError>;

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
    /// The site's public origin (`CANONICAL_URL`) for canonical links and shared URLs.
    #[from_ref(skip)]
    pub canonical_url: Option<String>,
    pub page_cache: Arc<dyn PageCache>,
    pub page_cache_stats: Arc<PageCacheStats>,
    pub admin_token: Arc<AdminToken>,
    pub secret_key: Arc<SecretKey>,
    pub jobs: Arc<dyn JobQueue>,
    pub search: Arc<dyn SearchIndex>,
    pub outbox: Arc<dyn Outbox>,
    pub trends: Arc<dyn Trends>,
    pub accounts: Arc<dyn Accounts>,
    pub reviews: Arc<dyn Reviews>,
    pub throttle: Arc<dyn Throttle>,
    /// Uploaded icons and screenshots.
    pub media: Arc<dyn MediaStore>,
}

/// The origin a request's absolute links are written with, put into its extensions by the
/// server: `CANONICAL_URL`, or (`from_request`) one made from a checked `Host` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestOrigin {
    pub url: String,
    pub from_request: bool,
}

/// The client's address, put into each request's extensions by the server: the peer, or
/// behind a proxy on a private network, the address the proxy reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub std::net::IpAddr);

impl ClientIp {
    /// What a per-address limit counts: an IPv4 address, or the /64 network of an IPv6 one (a
    /// home or a phone is given a whole /64, so one client can take any of its addresses).
    pub fn network(&self) -> String {
        use std::net::IpAddr;
        match self.0 {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = v6.segments();
                    format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
                }
            },
        }
    }
}

/// Lets a repeated warning through at most once per period, so a backend that is down does
/// not flood the log with one line per request.
#[derive(Debug, Default)]
pub struct WarnThrottle {
    last: std::sync::atomic::AtomicU64,
}

impl WarnThrottle {
    pub const fn new() -> WarnThrottle {
        WarnThrottle { last: std::sync::atomic::AtomicU64::new(0) }
    }

    /// True for the first call, then once `every_secs` have passed since the last true.
    pub fn allow(&self, every_secs: u64) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let last = self.last.load(Relaxed);
        now >= last + every_secs && self.last.compare_exchange(last, now, Relaxed, Relaxed).is_ok()
    }
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
    Unavailable(#[source] BackendError),
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

    /// Documents built from the whole catalog (the sitemap, the feeds): stale on any write.
    pub const CATALOG: &str = "catalog";

    /// Every search result page: stale when the search index changes (the index follows
    /// catalog writes a moment after them, through the job queue).
    pub const SEARCH: &str = "search";

    /// A page that shows this app (its card or its page).
    pub fn app(slug: &str) -> String {
        format!("app:{slug}")
    }

    /// The home page's "rising this week" shelves: stale when `refresh_trending` saves new lists.
    pub const TRENDING: &str = "trending";

    /// A page whose "similar apps" were chosen among this category.
    pub fn category(category: Category) -> String {
        format!("category:{}", category.slug())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("job queue unavailable: {0}")]
    Unavailable(#[source] BackendError),
    #[error("job queue error: {0}")]
    Backend(#[source] BackendError),
}

/// A job a worker has claimed, with the lease token that proves it is still its own.
#[derive(Clone, Debug)]
pub struct ClaimedJob {
    pub info: crate::domain::JobInfo,
    pub token: String,
}

/// What a worker learns when it renews its lease or reports progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lease {
    Held {
        cancel_requested: bool,
    },
    /// The lease expired and another worker took the job (or it was cancelled or finished):
    /// this worker must stop without writing anything.
    Lost,
}

/// The persistent job queue. Leases are per job and fenced by a token: every worker-side
/// write names the token of its claim and is refused once the lease has moved on, so a
/// stalled worker cannot finish a job another worker has taken over.
#[async_trait]
pub trait JobQueue: Send + Sync + 'static {
    fn backend(&self) -> &'static str;

    async fn enqueue(
        &self,
        kind: crate::domain::JobKind,
        args: &str,
        max_attempts: u32,
    ) -> Result<crate::domain::JobInfo, QueueError>;

    /// Like `enqueue`, unless a job with `once_key` was enqueued before (by any node): then
    /// nothing happens and None comes back. Schedulers use it so each tick runs once.
    async fn enqueue_once(
        &self,
        kind: crate::domain::JobKind,
        args: &str,
        max_attempts: u32,
        once_key: &str,
    ) -> Result<Option<crate::domain::JobInfo>, QueueError>;

    async fn get(&self, id: &str) -> Result<Option<crate::domain::JobInfo>, QueueError>;

    /// Newest first, with counts per state and jobs finished per minute over the last hour.
    async fn list(
        &self,
        filter: &crate::domain::JobFilter,
        page: u32,
        per_page: u32,
    ) -> Result<crate::domain::JobList, QueueError>;

    /// Queued or waiting to retry: cancelled at once. Running: asked to stop (the handler
    /// sees it at its next checkpoint). Returns the state after the call; None if unknown.
    async fn cancel(&self, id: &str) -> Result<Option<crate::domain::JobState>, QueueError>;

    /// A dead or cancelled job goes back to the queue with its attempts reset; false if the
    /// job is in another state.
    async fn retry(&self, id: &str) -> Result<bool, QueueError>;

    /// The next job due (queued, due for retry, or running with an expired lease), now leased
    /// to `worker` for `lease`.
    async fn claim(&self, worker: &str, lease: std::time::Duration) -> Result<Option<ClaimedJob>, QueueError>;

    async fn renew(&self, id: &str, token: &str, lease: std::time::Duration) -> Result<Lease, QueueError>;

    async fn progress(&self, id: &str, token: &str, progress: &crate::domain::JobProgress)
        -> Result<Lease, QueueError>;

    /// Done with a result (JSON text).
    async fn complete(&self, id: &str, token: &str, result: &str) -> Result<Lease, QueueError>;

    /// Failed: back to the queue at `retry_at` (unix ms) while attempts remain, else dead.
    /// Returns the new state, or None when the lease was lost.
    async fn fail(
        &self,
        id: &str,
        token: &str,
        error: &str,
        retry_at: i64,
    ) -> Result<Option<crate::domain::JobState>, QueueError>;

    /// The handler stopped because it was asked to.
    async fn cancelled(&self, id: &str, token: &str) -> Result<Lease, QueueError>;

    /// The worker is stopping before the job finished: the job is queued again, and the
    /// attempt does not count.
    async fn release(&self, id: &str, token: &str) -> Result<Lease, QueueError>;

    async fn ping(&self) -> Result<(), QueueError>;
}

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("mail outbox unavailable: {0}")]
    Unavailable(#[source] BackendError),
    #[error("mail outbox error: {0}")]
    Backend(#[source] BackendError),
}

/// Mail waiting to be delivered, shared by every node: whoever composes a mail puts it here,
/// and one delivery loop (`server/src/mail.rs`) sends it over SMTP when `SMTP_URL` is set.
/// Without SMTP, mail stays here for an operator to read (`famigo outbox`).
#[async_trait]
pub trait Outbox: Send + Sync + 'static {
    fn backend(&self) -> &'static str;

    /// Keeps `mail` for delivery. False, and nothing stored, when a mail with its key is
    /// already in the outbox.
    async fn put(&self, mail: &crate::domain::NewMail) -> Result<bool, OutboxError>;

    /// Up to `limit` pending mails that are due, oldest first, each held for `lease`: no other
    /// claim gets it before then (if its deliverer dies, it is due again when the lease ends).
    async fn claim(&self, limit: usize, lease: std::time::Duration) -> Result<Vec<crate::domain::Mail>, OutboxError>;

    async fn sent(&self, id: &str) -> Result<(), OutboxError>;

    /// A delivery failed: due again at `retry_at` (unix ms) while fewer than
    /// `MAIL_MAX_ATTEMPTS` were made, else (or with no `retry_at`: no retry can help) `Failed`
    /// keeping `error`. Returns the new state.
    async fn failed(
        &self,
        id: &str,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<crate::domain::MailState, OutboxError>;

    /// The newest mails first.
    async fn recent(&self, limit: usize) -> Result<Vec<crate::domain::Mail>, OutboxError>;

    async fn ping(&self) -> Result<(), OutboxError>;
}

#[derive(Debug, thiserror::Error)]
#[error("trends unavailable: {0}")]
pub struct TrendsError(#[source] pub BackendError);

impl From<BackendError> for TrendsError {
    fn from(e: BackendError) -> Self {
        TrendsError(e)
    }
}

from_backend_error!(StoreError, QueueError, OutboxError, SearchError);

impl From<BackendError> for CacheError {
    /// Any failure of the cache means it cannot be trusted now.
    fn from(e: BackendError) -> Self {
        CacheError::Unavailable(e)
    }
}

/// App page views per day, and the trending lists `refresh_trending` computes from them; shared
/// by every node (Redis with `REDIS_URL`, else SQLite under `DATA_DIR`).
#[async_trait]
pub trait Trends: Send + Sync + 'static {
    fn backend(&self) -> &'static str;

    /// Adds these views (slug, count) to `day`'s tally. Days older than 60 days may be dropped.
    async fn record_views(&self, day: chrono::NaiveDate, views: &[(String, u64)]) -> Result<(), TrendsError>;

    /// Views per app over the days `from..=to`.
    async fn views_between(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<std::collections::HashMap<String, u64>, TrendsError>;

    async fn save_trending(&self, lists: &crate::domain::TrendingLists) -> Result<(), TrendsError>;

    /// The lists last saved; None before the first `refresh_trending`.
    async fn trending(&self) -> Result<Option<crate::domain::TrendingLists>, TrendsError>;
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The search backend cannot answer now; pages fall back to the catalog's text match.
    #[error("search unavailable: {0}")]
    Unavailable(#[source] BackendError),
    #[error("search error: {0}")]
    Backend(#[source] BackendError),
}

/// What the index found: slugs of one page in order (the catalog stays the truth for what
/// is shown), the total, and facet counts over every match.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchMatches {
    pub slugs: Vec<String>,
    pub total: u64,
    pub facets: FacetCounts,
}

/// Full-text search over the catalog.
///
/// Matching, the same for every adapter: an app matches when each query word is found in its
/// name, developer, category names or description, equal or within the word's typo budget
/// (`domain::typo_budget`), the last word also as a prefix. Relevance ranks name over
/// developer over categories over description, exact over typo'd. Filters and facet counts
/// follow `CatalogQuery` and `FacetCounts::add` among the text matches; sorts other than
/// relevance follow the catalog's orders.
#[async_trait]
pub trait SearchIndex: Send + Sync + 'static {
    fn backend(&self) -> &'static str;

    async fn search(&self, query: &SearchQuery) -> Result<SearchMatches, SearchError>;

    /// Slugs of up to `limit` apps for what is being typed, best first: those matching every
    /// word, then (to fill up, and for "did you mean") those matching some.
    async fn suggest(&self, text: &str, limit: usize) -> Result<Vec<String>, SearchError>;

    /// Adds or replaces these apps; visible to searches when it returns.
    async fn upsert(&self, apps: &[App]) -> Result<(), SearchError>;

    async fn delete(&self, slugs: &[String]) -> Result<(), SearchError>;

    /// Builds a new index from every app in `catalog` and swaps it in whole, so searches never
    /// see a partial index; `progress(done, total)` is called along the way. Returns the
    /// number of apps indexed.
    async fn rebuild(
        &self,
        catalog: &dyn Catalog,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<u64, SearchError>;

    async fn count(&self) -> Result<u64, SearchError>;

    async fn ping(&self) -> Result<(), SearchError>;

    /// Whether the index was written by an older version of the site (its documents lack a
    /// field this version sorts by) and needs a rebuild to answer as this one does.
    async fn outdated(&self) -> Result<bool, SearchError> {
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_ipv6_client_is_counted_by_its_64_network() {
        let network = |ip: &str| super::ClientIp(ip.parse().unwrap()).network();
        assert_eq!(network("203.0.113.5"), "203.0.113.5");
        assert_eq!(network("::ffff:203.0.113.5"), "203.0.113.5");
        assert_eq!(network("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_eq!(network("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
        assert_ne!(network("2001:db8:1:3::1"), network("2001:db8:1:2::1"));
    }
}
