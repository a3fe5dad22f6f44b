//! `/healthz`, `/readyz` and the dependency checks behind them (also run by the watchdog).

use app::ports::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Whether this node is stopping: it still serves, but `/readyz` says 503 so health checkers
/// send traffic elsewhere before it goes.
#[derive(Debug, Default)]
pub struct Lifecycle {
    draining: AtomicBool,
}

impl Lifecycle {
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::Release);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Acquire)
    }
}

/// The process is alive and serving HTTP.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The node can serve pages: its store answers within a short timeout and it is not stopping.
/// The page cache, the search backend and the job queue are reported too, but a node without
/// them still serves (uncached pages, searches from the catalog, writes without follow-up
/// jobs), so it stays ready.
pub async fn readyz(
    State(state): State<AppState>,
    Extension(lifecycle): Extension<Arc<Lifecycle>>,
) -> (StatusCode, Json<Value>) {
    let checks = check_dependencies(&state).await;
    let draining = lifecycle.is_draining();
    let ready = checks.iter().any(|(name, check)| *name == "store" && check["up"] == true) && !draining;
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let dependencies: serde_json::Map<String, Value> =
        checks.into_iter().map(|(name, check)| (name.to_string(), check)).collect();
    (status, Json(json!({ "ready": ready, "draining": draining, "dependencies": dependencies })))
}

/// Each dependency pinged at once, with a 2 s timeout: its backend, whether it is up, its
/// latency and error. (`/readyz` and the watchdog.)
pub async fn check_dependencies(state: &AppState) -> Vec<(&'static str, Value)> {
    let (store, cache, search, queue) = tokio::join!(
        check(state.catalog.backend(), state.catalog.ping()),
        check(state.page_cache.backend(), state.page_cache.ping()),
        check(state.search.backend(), state.search.ping()),
        check(state.jobs.backend(), state.jobs.ping()),
    );
    vec![("store", store), ("page_cache", cache), ("search", search), ("queue", queue)]
}

async fn check<E: std::fmt::Display>(backend: &str, ping: impl std::future::Future<Output = Result<(), E>>) -> Value {
    let started = Instant::now();
    let outcome = tokio::time::timeout(Duration::from_secs(2), ping).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let error = match outcome {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => Some("timed out".to_string()),
    };
    json!({ "backend": backend, "up": error.is_none(), "latency_ms": latency_ms, "error": error })
}
