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

/// The node can serve pages: its store answers within a short timeout.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let started = Instant::now();
    let outcome = tokio::time::timeout(Duration::from_secs(2), state.catalog.ping()).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (ok, detail) = match outcome {
        Ok(Ok(())) => (true, None),
        Ok(Err(e)) => (false, Some(e.to_string())),
        Err(_) => (false, Some("timed out".to_string())),
    };
    let status = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = json!({
        "ready": ok,
        "dependencies": {
            "store": { "backend": state.catalog.backend(), "up": ok, "latency_ms": latency_ms, "error": detail }
        }
    });
    (status, Json(body))
}
