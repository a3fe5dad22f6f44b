//! The worker: claims due jobs, runs up to `concurrency` at once, keeps each job's lease alive
//! while it runs, and records the outcome. On stop it claims nothing more, gives running jobs
//! `grace` to finish, and puts the rest back in the queue.

use super::registry::run;
use super::{JobContext, JobError, JobServices, RunFlags};
use crate::storage::now_ms;
use app::ports::{ClaimedJob, JobQueue, Lease, QueueError};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Names this worker in the queue (host name + pid by default).
    pub name: String,
    pub concurrency: usize,
    /// How long a claim lasts without renewal; renewed every third of it.
    pub lease: Duration,
    /// Pause between claims when the queue is empty.
    pub poll: Duration,
    /// First retry delay; doubles per attempt up to `max_backoff`.
    pub retry_base: Duration,
    pub max_backoff: Duration,
    /// How long running jobs may take to finish once the worker is asked to stop.
    pub grace: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            name: format!("worker-{}", std::process::id()),
            concurrency: 2,
            lease: Duration::from_secs(30),
            poll: Duration::from_millis(250),
            retry_base: Duration::from_secs(2),
            max_backoff: Duration::from_secs(600),
            grace: Duration::from_secs(10),
        }
    }
}

pub struct Worker {
    queue: Arc<dyn JobQueue>,
    services: JobServices,
    config: WorkerConfig,
}

impl Worker {
    pub fn new(queue: Arc<dyn JobQueue>, services: JobServices, config: WorkerConfig) -> Worker {
        Worker { queue, services, config }
    }

    /// Runs until `stop` turns true.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let config = Arc::new(self.config);
        let slots = Arc::new(Semaphore::new(config.concurrency.max(1)));
        let mut running: JoinSet<()> = JoinSet::new();
        let mut flags_of_running: Vec<Arc<RunFlags>> = Vec::new();
        tracing::info!(worker = %config.name, concurrency = config.concurrency, queue = self.queue.backend(), "worker started");
        loop {
            while running.try_join_next().is_some() {}
            flags_of_running.retain(|f| Arc::strong_count(f) > 1);
            if *stop.borrow() {
                break;
            }
            let permit = tokio::select! {
                permit = slots.clone().acquire_owned() => permit.expect("semaphore never closed"),
                _ = stop.changed() => continue,
            };
            match self.queue.claim(&config.name, config.lease).await {
                Ok(Some(job)) => {
                    let flags = Arc::new(RunFlags::default());
                    flags_of_running.push(flags.clone());
                    let (queue, services, config) = (self.queue.clone(), self.services.clone(), config.clone());
                    running.spawn(async move {
                        execute(queue, services, &config, job, flags).await;
                        drop(permit);
                    });
                }
                Ok(None) => {
                    drop(permit);
                    tokio::select! {
                        _ = tokio::time::sleep(config.poll) => {}
                        _ = stop.changed() => {}
                    }
                }
                Err(e) => {
                    drop(permit);
                    tracing::warn!("cannot claim a job: {}", app::ports::Causes(&e));
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = stop.changed() => {}
                    }
                }
            }
        }
        for flags in &flags_of_running {
            flags.stopping.store(true, Ordering::Release);
        }
        if tokio::time::timeout(config.grace, async { while running.join_next().await.is_some() {} }).await.is_err() {
            tracing::warn!(
                "jobs still running after {:?}; their leases will expire and they will run again",
                config.grace
            );
            running.abort_all();
        }
        tracing::info!(worker = %config.name, "worker stopped");
    }
}

async fn execute(
    queue: Arc<dyn JobQueue>,
    services: JobServices,
    config: &WorkerConfig,
    job: ClaimedJob,
    flags: Arc<RunFlags>,
) {
    let ClaimedJob { info, token } = job;
    let ctx = JobContext {
        id: info.id.clone(),
        args: info.args.clone(),
        attempt: info.attempts,
        services,
        queue: queue.clone(),
        token: token.clone(),
        flags: flags.clone(),
    };
    let heartbeat =
        tokio::spawn(keep_lease(queue.clone(), info.id.clone(), token.clone(), config.lease, flags.clone()));
    let span = tracing::info_span!("job", id = %info.id, kind = %info.kind, attempt = info.attempts);
    let started = std::time::Instant::now();
    let outcome = tracing::Instrument::instrument(run(info.kind, &ctx), span).await;
    let label = match &outcome {
        Ok(_) => "done",
        Err(JobError::Failed(_)) => "failed",
        Err(JobError::Cancelled) => "cancelled",
        Err(JobError::Stopping) => "released",
        Err(JobError::LeaseLost) => "lease_lost",
    };
    metrics::counter!("famigo_jobs_run_total", "kind" => info.kind.slug(), "outcome" => label).increment(1);
    metrics::histogram!("famigo_job_duration_seconds", "kind" => info.kind.slug())
        .record(started.elapsed().as_secs_f64());
    let id = info.id.as_str();
    // While the queue cannot be reached (a Redis failover takes seconds), the heartbeat keeps the
    // lease and the outcome is sent again: a job that ran is not run once more only because its
    // result could not be written at the moment it finished.
    let give_up_at = std::time::Instant::now() + config.lease;
    let recorded = loop {
        match record(&queue, id, &token, &outcome, config, info.attempts).await {
            Err(e @ QueueError::Unavailable(_))
                if std::time::Instant::now() < give_up_at && !flags.lost.load(Ordering::Acquire) =>
            {
                tracing::warn!(job = id, "cannot record the outcome yet: {}", app::ports::Causes(&e));
                tokio::time::sleep(RECORD_AGAIN_EVERY).await;
            }
            recorded => break recorded,
        }
    };
    heartbeat.abort();
    match recorded {
        Ok((Lease::Lost, what)) => tracing::warn!(job = id, "{what}, but the lease had moved on; nothing recorded"),
        Ok((_, what)) => tracing::info!(job = id, kind = %info.kind, "{what}"),
        Err(e) => {
            tracing::error!(job = id, "cannot record the outcome: {e}; the job runs again when its lease expires")
        }
    }
}

const RECORD_AGAIN_EVERY: Duration = Duration::from_millis(100);

/// Writes what came of a run; the lease (if still held) and a word for the log.
async fn record(
    queue: &Arc<dyn JobQueue>,
    id: &str,
    token: &str,
    outcome: &Result<String, JobError>,
    config: &WorkerConfig,
    attempts: u32,
) -> Result<(Lease, String), QueueError> {
    match outcome {
        Ok(result) => queue.complete(id, token, result).await.map(|lease| (lease, "done".to_string())),
        Err(JobError::Failed(error)) => {
            let retry_at = now_ms() + backoff(config, attempts).as_millis() as i64;
            queue.fail(id, token, error, retry_at).await.map(|state| {
                (
                    if state.is_some() { Lease::Held { cancel_requested: false } } else { Lease::Lost },
                    format!("failed: {error}"),
                )
            })
        }
        Err(JobError::Cancelled) => queue.cancelled(id, token).await.map(|lease| (lease, "cancelled".into())),
        Err(JobError::Stopping) => queue.release(id, token).await.map(|lease| (lease, "released".into())),
        Err(JobError::LeaseLost) => Ok((Lease::Lost, "lease lost".into())),
    }
}

/// Renews the lease every third of its length; raises the flags the handler checks.
async fn keep_lease(queue: Arc<dyn JobQueue>, id: String, token: String, lease: Duration, flags: Arc<RunFlags>) {
    let mut every = tokio::time::interval(lease / 3);
    every.tick().await;
    loop {
        every.tick().await;
        match queue.renew(&id, &token, lease).await {
            Ok(Lease::Held { cancel_requested }) => {
                if cancel_requested {
                    flags.cancel.store(true, Ordering::Release);
                }
            }
            Ok(Lease::Lost) => {
                flags.lost.store(true, Ordering::Release);
                return;
            }
            Err(e) => tracing::warn!(job = %id, "cannot renew the lease: {}", app::ports::Causes(&e)),
        }
    }
}

pub fn backoff(config: &WorkerConfig, attempt: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(20));
    config.retry_base.saturating_mul(factor).min(config.max_backoff)
}
