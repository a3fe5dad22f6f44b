//! The job queue as the admin pages (and scripts) drive it. The state-changing functions take
//! form encoding so their forms also work without JavaScript. Every function here requires an
//! administrator's session; the state-changing ones are POSTs, which the server accepts only
//! from this site's own pages (see `server/src/http/same_origin.rs`).

use super::ApiError;
use crate::domain::{JobFilter, JobInfo, JobKind, JobList};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

pub const JOBS_PER_PAGE: u32 = 20;
/// Attempts before a job is dead.
pub const MAX_ATTEMPTS: u32 = 5;

#[cfg(feature = "ssr")]
async fn find_job(state: &crate::ports::AppState, id: &str) -> Result<JobInfo, ApiError> {
    state.jobs.get(id).await.map_err(queue_failed)?.ok_or_else(|| ApiError::NotFound(format!("job {id:?}")))
}

#[cfg(feature = "ssr")]
fn queue_failed(e: crate::ports::QueueError) -> ApiError {
    tracing::error!("job queue failed: {}", crate::ports::Causes(&e));
    ApiError::Unavailable
}

/// Queues a job; `args` is a JSON object (empty means none).
#[server]
pub async fn enqueue_job(kind: JobKind, args: String) -> Result<JobInfo, ApiError> {
    super::auth::require_admin().await?;
    let args = if args.trim().is_empty() { "{}".to_string() } else { args };
    if !matches!(serde_json::from_str::<serde_json::Value>(&args), Ok(serde_json::Value::Object(_))) {
        return Err(ApiError::BadRequest("the job's arguments must be a JSON object".into()));
    }
    let state = super::state()?;
    state.jobs.enqueue(kind, &args, MAX_ATTEMPTS).await.map_err(queue_failed)
}

#[server(input = Json)]
pub async fn list_jobs(filter: JobFilter, page: u32) -> Result<JobList, ApiError> {
    super::auth::require_admin().await?;
    let state = super::state()?;
    state.jobs.list(&filter, page.max(1), JOBS_PER_PAGE).await.map_err(queue_failed)
}

#[server(input = Json)]
pub async fn job_status(id: String) -> Result<JobInfo, ApiError> {
    super::auth::require_admin().await?;
    let state = super::state()?;
    find_job(&state, &id).await
}

/// Cancels a queued job now, or asks a running one to stop.
#[server]
pub async fn cancel_job(id: String) -> Result<JobInfo, ApiError> {
    super::auth::require_admin().await?;
    let state = super::state()?;
    state.jobs.cancel(&id).await.map_err(queue_failed)?;
    find_job(&state, &id).await
}

/// Queues a dead or cancelled job again.
#[server]
pub async fn retry_job(id: String) -> Result<JobInfo, ApiError> {
    super::auth::require_admin().await?;
    let state = super::state()?;
    let job = find_job(&state, &id).await?;
    if !state.jobs.retry(&id).await.map_err(queue_failed)? {
        return Err(ApiError::BadRequest(format!(
            "a {} job cannot be retried; only dead or cancelled ones",
            job.state.label()
        )));
    }
    find_job(&state, &id).await
}
