//! Periodic jobs: each kind with a cron schedule is enqueued at every tick. Every node that
//! runs a worker runs this scheduler; the tick's time is the job's once-key, so the first node
//! to reach a tick enqueues it and the others find it taken.

use app::domain::JobKind;
use app::ports::JobQueue;
use chrono::Utc;
use std::sync::Arc;
use tokio::sync::watch;

/// Attempts for a scheduled job; the next tick tries again anyway.
const SCHEDULED_ATTEMPTS: u32 = 3;

pub async fn run_scheduler(
    queue: Arc<dyn JobQueue>,
    schedules: Vec<(JobKind, cron::Schedule)>,
    mut stop: watch::Receiver<bool>,
) {
    if schedules.is_empty() {
        return;
    }
    loop {
        let now = Utc::now();
        let Some((kind, at)) = schedules
            .iter()
            .filter_map(|(kind, schedule)| schedule.after(&now).next().map(|at| (*kind, at)))
            .min_by_key(|(_, at)| *at)
        else {
            return;
        };
        let wait = (at - now).to_std().unwrap_or_default();
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stop.changed() => return,
        }
        // Every kind due at this instant, not only the first found.
        for (kind, _) in schedules.iter().filter(|(k, s)| *k == kind || s.includes(at)) {
            let key = format!("cron:{}:{}", kind.slug(), at.timestamp());
            match queue.enqueue_once(*kind, "{}", SCHEDULED_ATTEMPTS, &key).await {
                Ok(Some(job)) => tracing::info!(job = %job.id, kind = %kind, "scheduled job queued"),
                Ok(None) => tracing::debug!(kind = %kind, "another node queued this tick"),
                Err(e) => tracing::warn!(kind = %kind, "cannot queue a scheduled job: {}", app::ports::Causes(&e)),
            }
        }
    }
}
