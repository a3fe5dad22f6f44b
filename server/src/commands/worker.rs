//! `famigo worker`: background jobs only, until SIGTERM or Ctrl-C; and the worker, scheduler,
//! watchdog and mail delivery that `famigo serve` also runs.

use crate::config::Config;
use crate::http::Site;
use crate::jobs::schedule::run_scheduler;
use crate::jobs::{Worker, WorkerConfig};
use crate::ops::watchdog::{supervise, watch_dependencies, WatchdogConfig};
use crate::wiring::Backends;
use app::ports::AppState;

pub async fn run(config: Config) -> anyhow::Result<()> {
    let site = Backends::open(&config).await?.into_site(&config).await?;
    let router = crate::http::router(site.clone(), &config.web);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = start(&config, &site, router, stopped)?;
    super::shutdown::shutdown_signal().await;
    let _ = stop.send(true);
    let _ = worker.await;
    Ok(())
}

/// The worker, the scheduler of periodic jobs, the dependency watchdog and mail delivery, until
/// `stop`; the worker and the scheduler are restarted if they panic.
pub fn start(
    config: &Config,
    site: &Site,
    router: axum::Router,
    stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let worker_config =
        WorkerConfig { concurrency: config.worker_concurrency, lease: config.job_lease, ..WorkerConfig::default() };
    let state = &site.state;
    let job_services = crate::jobs::JobServices::of(state, router, config.web.upload_dir.clone());
    let queue = state.jobs.clone();
    let schedules = config.schedules.clone();
    let scheduler = {
        let (queue, stop) = (queue.clone(), stop.clone());
        tokio::spawn(supervise("scheduler", stop.clone(), move || {
            run_scheduler(queue.clone(), schedules.clone(), stop.clone())
        }))
    };
    let watchdog = tokio::spawn(watch_dependencies(state.clone(), watchdog_config(config, state), stop.clone()));
    let mail = crate::mail::spawn_delivery(config, state.outbox.clone(), stop.clone())?;
    Ok(tokio::spawn(async move {
        let worker_stop = stop.clone();
        supervise("worker", stop, move || {
            Worker::new(queue.clone(), job_services.clone(), worker_config.clone()).run(worker_stop.clone())
        })
        .await;
        let _ = scheduler.await;
        let _ = watchdog.await;
        if let Some(mail) = mail {
            let _ = mail.await;
        }
    }))
}

pub fn watchdog_config(config: &Config, state: &AppState) -> WatchdogConfig {
    WatchdogConfig {
        node: config.web.node_name.clone(),
        every: config.watchdog_every,
        slow: config.watchdog_slow,
        alerts: crate::wiring::alert_sinks(config, &state.outbox),
    }
}
