//! Background jobs: one file per kind, and the worker that runs them (`worker.rs`).
//!
//! A handler gets a `JobContext`: its arguments, progress reporting, and `checkpoint()`, which
//! says whether to stop (cancel requested, the worker is stopping, or the lease was lost).
//! Handlers are idempotent: a job may run again after a crash (at-least-once).

pub mod catalog_csv;
pub mod import_catalog;
pub mod index_app;
pub mod noop;
pub mod recompute_ratings;
pub mod refresh_trending;
pub mod reindex_search;
pub mod schedule;
pub mod send_digest;
pub mod warm_cache;
mod worker;

pub use worker::{Worker, WorkerConfig};

use app::domain::{JobKind, JobProgress};
use app::ports::{cache_tags, Accounts, Catalog, JobQueue, Lease, Outbox, PageCache, Reviews, SearchIndex, Trends};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What handlers may use.
#[derive(Clone)]
pub struct JobServices {
    pub catalog: Arc<dyn Catalog>,
    /// The site itself, for jobs that render pages (`warm_cache`).
    pub router: Option<axum::Router>,
    pub search: Option<Arc<dyn SearchIndex>>,
    /// Told when the search index changed, so cached search pages go.
    pub page_cache: Option<Arc<dyn PageCache>>,
    /// Page views and trending lists (`refresh_trending`).
    pub trends: Option<Arc<dyn Trends>>,
    /// Parents' reviews (`recompute_ratings`).
    pub reviews: Option<Arc<dyn Reviews>>,
    /// Families and the outbox their digests go to (`send_digest`).
    pub accounts: Option<Arc<dyn Accounts>>,
    pub outbox: Option<Arc<dyn Outbox>>,
    /// The site's public origin (`CANONICAL_URL`) for links in mail.
    pub site_url: Option<String>,
}

impl JobServices {
    /// Only the catalog (tests and tools add the rest as they need).
    pub fn new(catalog: Arc<dyn Catalog>) -> JobServices {
        JobServices {
            catalog,
            router: None,
            search: None,
            page_cache: None,
            trends: None,
            reviews: None,
            accounts: None,
            outbox: None,
            site_url: None,
        }
    }

    /// Every port of the site's state, and the site itself: what a worker in a serving or
    /// worker process runs with.
    pub fn of(state: &app::ports::AppState, router: axum::Router) -> JobServices {
        JobServices {
            catalog: state.catalog.clone(),
            router: Some(router),
            search: Some(state.search.clone()),
            page_cache: Some(state.page_cache.clone()),
            trends: Some(state.trends.clone()),
            reviews: Some(state.reviews.clone()),
            accounts: Some(state.accounts.clone()),
            outbox: Some(state.outbox.clone()),
            site_url: state.canonical_url.clone(),
        }
    }

    pub fn search(&self) -> Result<Arc<dyn SearchIndex>, JobError> {
        self.search.clone().ok_or_else(|| JobError::Failed("this worker has no search index".into()))
    }

    /// Cached search result pages are stale once the index changed.
    pub async fn search_changed(&self) {
        if let Some(cache) = &self.page_cache {
            if let Err(e) = cache.invalidate(&[cache_tags::SEARCH.to_string()]).await {
                tracing::warn!("{e}");
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The job failed; it is retried with backoff while attempts remain.
    #[error("{0}")]
    Failed(String),
    #[error("cancelled")]
    Cancelled,
    /// The worker is shutting down: the job goes back to the queue.
    #[error("worker stopping")]
    Stopping,
    /// Another worker owns the job now; write nothing more.
    #[error("lease lost")]
    LeaseLost,
}

/// Flags the worker's heartbeat sets while a handler runs.
#[derive(Default)]
pub(crate) struct RunFlags {
    pub cancel: AtomicBool,
    pub stopping: AtomicBool,
    pub lost: AtomicBool,
}

pub struct JobContext {
    pub id: String,
    pub args: String,
    /// 1 on the first run.
    pub attempt: u32,
    pub services: JobServices,
    queue: Arc<dyn JobQueue>,
    token: String,
    flags: Arc<RunFlags>,
}

impl JobContext {
    /// Err when the handler must stop now; call it between units of work.
    pub fn checkpoint(&self) -> Result<(), JobError> {
        if self.flags.lost.load(Ordering::Acquire) {
            Err(JobError::LeaseLost)
        } else if self.flags.cancel.load(Ordering::Acquire) {
            Err(JobError::Cancelled)
        } else if self.flags.stopping.load(Ordering::Acquire) {
            Err(JobError::Stopping)
        } else {
            Ok(())
        }
    }

    /// Records progress (shown live on the admin page), then checks in like `checkpoint`.
    pub async fn progress(&self, done: u64, total: u64, message: impl Into<String>) -> Result<(), JobError> {
        let progress = JobProgress { done, total, message: message.into() };
        match self.queue.progress(&self.id, &self.token, &progress).await {
            Ok(Lease::Lost) => self.flags.lost.store(true, Ordering::Release),
            Ok(Lease::Held { cancel_requested: true }) => self.flags.cancel.store(true, Ordering::Release),
            Ok(Lease::Held { .. }) => {}
            Err(e) => tracing::warn!(job = %self.id, "cannot record progress: {e}"),
        }
        self.checkpoint()
    }

    pub(crate) fn queue(&self) -> &Arc<dyn JobQueue> {
        &self.queue
    }

    /// The arguments, decoded; a malformed argument fails the job (no retry helps).
    pub fn args<T: serde::de::DeserializeOwned>(&self) -> Result<T, JobError> {
        serde_json::from_str(&self.args).map_err(|e| JobError::Failed(format!("bad arguments: {e}")))
    }
}

/// Runs the handler for `kind`; the result is JSON text.
async fn run(kind: JobKind, ctx: &JobContext) -> Result<String, JobError> {
    match kind {
        JobKind::Noop => noop::run(ctx).await,
        JobKind::ImportCatalog => import_catalog::run(ctx).await,
        JobKind::WarmCache => warm_cache::run(ctx).await,
        JobKind::IndexApp => index_app::run(ctx).await,
        JobKind::ReindexSearch => reindex_search::run(ctx).await,
        JobKind::RefreshTrending => refresh_trending::run(ctx).await,
        JobKind::RecomputeRatings => recompute_ratings::run(ctx).await,
        JobKind::SendDigest => send_digest::run(ctx).await,
    }
}
