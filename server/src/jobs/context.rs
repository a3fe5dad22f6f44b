//! What a job handler gets: the site's ports (`JobServices`), its arguments and progress
//! reporting (`JobContext`), and the ways a run ends (`JobError`).

use app::domain::JobProgress;
use app::ports::{cache_tags, Accounts, Catalog, JobQueue, Lease, Outbox, PageCache, Reviews, SearchIndex, Trends};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What handlers may use: every port of the site, and the site itself.
#[derive(Clone)]
pub struct JobServices {
    pub catalog: Arc<dyn Catalog>,
    /// The site itself, for jobs that render pages (`warm_cache`).
    pub router: axum::Router,
    pub search: Arc<dyn SearchIndex>,
    /// Told when the search index changed, so cached search pages go.
    pub page_cache: Arc<dyn PageCache>,
    /// Page views and trending lists (`refresh_trending`).
    pub trends: Arc<dyn Trends>,
    /// Parents' reviews (`recompute_ratings`).
    pub reviews: Arc<dyn Reviews>,
    /// Families and the outbox their digests go to (`send_digest`).
    pub accounts: Arc<dyn Accounts>,
    pub outbox: Arc<dyn Outbox>,
    /// The site's public origin (`CANONICAL_URL`) for links in mail; without it digests say
    /// nothing of where to go.
    pub site_url: Option<String>,
    /// Signs the links mailed out (the digest's "stop these mails").
    pub secret_key: Arc<app::ports::SecretKey>,
    /// Where uploaded catalog files wait (`DATA_DIR/uploads`): the only files `import_catalog`
    /// reads.
    pub upload_dir: std::path::PathBuf,
}

impl JobServices {
    /// Every port of the site's state, and the site itself: what a worker in a serving or
    /// worker process runs with.
    pub fn of(state: &app::ports::AppState, router: axum::Router, upload_dir: std::path::PathBuf) -> JobServices {
        JobServices {
            catalog: state.catalog.clone(),
            router,
            search: state.search.clone(),
            page_cache: state.page_cache.clone(),
            trends: state.trends.clone(),
            reviews: state.reviews.clone(),
            accounts: state.accounts.clone(),
            outbox: state.outbox.clone(),
            site_url: state.canonical_url.clone(),
            secret_key: state.secret_key.clone(),
            upload_dir,
        }
    }

    /// Cached search result pages are stale once the index changed.
    pub async fn search_changed(&self) {
        if let Err(e) = self.page_cache.invalidate(&[cache_tags::SEARCH.to_string()]).await {
            tracing::warn!("{}", app::ports::Causes(&e));
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
    pub(super) queue: Arc<dyn JobQueue>,
    pub(super) token: String,
    pub(super) flags: Arc<RunFlags>,
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
            Err(e) => tracing::warn!(job = %self.id, "cannot record progress: {}", app::ports::Causes(&e)),
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
