use app::ports::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The process is alive and serving HTTP.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The node can serve pages: its store answers within a short timeout. The page cache and the
/// search backend are reported too, but a node without them still serves (uncached pages,
/// searches answered from the catalog), so it stays ready.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let (store, cache, search) = tokio::join!(
        check(state.catalog.backend(), state.catalog.ping()),
        check(state.page_cache.backend(), state.page_cache.ping()),
        check(state.search.backend(), state.search.ping()),
    );
    let ready = store["up"] == true;
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(json!({ "ready": ready, "dependencies": { "store": store, "page_cache": cache, "search": search } })))
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
