//! Monit's role inside each process: background tasks (the worker, the scheduler) are
//! restarted when they panic, and the dependencies `/readyz` reports are checked every few
//! seconds, with one alert per state change (up → down, up → slow, back to up), not one per
//! request. Alerts are logged and sent to the sinks in `alerts.rs` (webhook, mail outbox).

use crate::ops::alerts::AlertMessage;
use crate::ops::health::check_dependencies;
use app::ports::AppState;
use serde::Serialize;
use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;

/// Runs `start()`'s task until `stop`; a task that panics is started again (after 1 s, doubling
/// to 30 s while it keeps failing). A task that returns by itself is done.
pub async fn supervise<F, Fut>(name: &'static str, mut stop: watch::Receiver<bool>, mut start: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut backoff = Duration::from_secs(1);
    loop {
        let started = std::time::Instant::now();
        match tokio::spawn(start()).await {
            Ok(()) => return,
            Err(e) if *stop.borrow() => {
                tracing::warn!(task = name, "ended while stopping: {}", app::ports::Causes(&e));
                return;
            }
            Err(e) => {
                metrics::counter!("famigo_watchdog_restarts_total", "task" => name).increment(1);
                if started.elapsed() > Duration::from_secs(60) {
                    backoff = Duration::from_secs(1);
                }
                tracing::error!(task = name, seconds = backoff.as_secs(), "died ({e}); restarting");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = stop.wait_for(|stopping| *stopping) => return,
        }
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    Up,
    Slow,
    Down,
}

/// One change of a dependency's health, as the webhook receives it.
#[derive(Clone, Debug, Serialize)]
pub struct DependencyAlert {
    pub node: String,
    pub dependency: String,
    pub backend: String,
    pub state: Health,
    pub was: Option<Health>,
    pub latency_ms: f64,
    pub error: Option<String>,
}

/// The last known health of each dependency.
#[derive(Default)]
pub struct DependencyWatch {
    states: BTreeMap<String, Health>,
}

impl DependencyWatch {
    /// Records one check; the alert when the dependency's health changed (a first check that
    /// finds it up is not news).
    pub fn observe(
        &mut self,
        node: &str,
        dependency: &str,
        check: &serde_json::Value,
        slow_ms: f64,
    ) -> Option<DependencyAlert> {
        let latency_ms = check["latency_ms"].as_f64().unwrap_or(0.0);
        let health = match (check["up"] == true, latency_ms > slow_ms) {
            (false, _) => Health::Down,
            (true, true) => Health::Slow,
            (true, false) => Health::Up,
        };
        let was = self.states.insert(dependency.to_string(), health);
        if was == Some(health) || (was.is_none() && health == Health::Up) {
            return None;
        }
        Some(DependencyAlert {
            node: node.to_string(),
            dependency: dependency.to_string(),
            backend: check["backend"].as_str().unwrap_or("").to_string(),
            state: health,
            was,
            latency_ms,
            error: check["error"].as_str().map(str::to_string),
        })
    }
}

pub struct WatchdogConfig {
    pub node: String,
    pub every: Duration,
    /// A dependency answering slower than this is "slow".
    pub slow: Duration,
    pub alerts: crate::ops::alerts::AlertSinks,
}

/// Checks the dependencies every `config.every` until `stop`, alerting on changes.
pub async fn watch_dependencies(state: AppState, config: WatchdogConfig, mut stop: watch::Receiver<bool>) {
    let mut watch = DependencyWatch::default();
    loop {
        config.alerts.flush().await;
        for (dependency, check) in check_dependencies(&state).await {
            let Some(alert) = watch.observe(&config.node, dependency, &check, config.slow.as_secs_f64() * 1e3) else {
                continue;
            };
            match alert.state {
                Health::Up => tracing::info!(dependency, backend = %alert.backend, "dependency is back"),
                Health::Slow => {
                    tracing::warn!(dependency, backend = %alert.backend, latency_ms = alert.latency_ms, "dependency is slow")
                }
                Health::Down => {
                    tracing::error!(dependency, backend = %alert.backend, error = ?alert.error, "dependency is down")
                }
            }
            let state = format!("{:?}", alert.state).to_lowercase();
            let summary = match &alert.error {
                Some(error) => format!("{}: {dependency} ({}) is {state}: {error}", alert.node, alert.backend),
                None => {
                    format!("{}: {dependency} ({}) is {state}, {:.0} ms", alert.node, alert.backend, alert.latency_ms)
                }
            };
            let key = format!("{}:{dependency}:{state}:{}", alert.node, chrono::Utc::now().timestamp_millis());
            config.alerts.send(AlertMessage { key, summary, detail: &alert }).await;
        }
        tokio::select! {
            _ = tokio::time::sleep(config.every) => {}
            _ = stop.wait_for(|stopping| *stopping) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_alert_per_change_of_health() {
        let mut watch = DependencyWatch::default();
        let up = json!({ "backend": "redis", "up": true, "latency_ms": 0.4 });
        let slow = json!({ "backend": "redis", "up": true, "latency_ms": 900.0 });
        let down = json!({ "backend": "redis", "up": false, "latency_ms": 2000.0, "error": "timed out" });
        let states: Vec<Option<Health>> = [&up, &up, &down, &down, &down, &slow, &up, &up]
            .into_iter()
            .map(|check| watch.observe("n", "page_cache", check, 500.0).map(|a| a.state))
            .collect();
        assert_eq!(
            states,
            vec![None, None, Some(Health::Down), None, None, Some(Health::Slow), Some(Health::Up), None]
        );
        assert_eq!(
            watch.observe("n", "search", &down, 500.0).map(|a| (a.was, a.error)),
            Some((None, Some("timed out".into())))
        );
    }

    #[tokio::test]
    async fn a_task_that_panics_is_started_again() {
        let (stop, stopped) = watch::channel(false);
        let starts = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let counted = starts.clone();
        let supervisor = tokio::spawn(supervise("test", stopped.clone(), move || {
            let n = counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut stopped = stopped.clone();
            async move {
                if n < 2 {
                    panic!("task failure {n}");
                }
                let _ = stopped.wait_for(|s| *s).await;
            }
        }));
        // Restarts after 1 s, then 2 s.
        tokio::time::sleep(Duration::from_millis(3500)).await;
        assert_eq!(starts.load(std::sync::atomic::Ordering::SeqCst), 3, "two panics, two restarts");
        stop.send(true).unwrap();
        supervisor.await.unwrap();
    }
}
