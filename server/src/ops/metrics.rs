//! `/metrics` in Prometheus text format, and the middleware that counts requests.
//!
//! Request metrics are labelled by route pattern (`/apps/{slug}`), never by raw path, so a
//! crawler cannot grow the series without bound. Gauges that mirror other state (page cache
//! counters, dependency health, jobs per state) are refreshed when Prometheus scrapes.

use app::domain::JobState;
use app::ports::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::atomic::Ordering;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Seconds: a cached page is well under a millisecond, a cold search page some milliseconds.
const LATENCY_BUCKETS: &[f64] = &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// The process-wide recorder (one per process, whatever the number of routers built).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder =
            PrometheusBuilder::new().set_buckets(LATENCY_BUCKETS).expect("static buckets are valid").build_recorder();
        let handle = recorder.handle();
        // Another recorder may already be installed (a test binary building a second
        // process-wide one); this handle then renders only what it records itself.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// The label for a request: its route pattern, the static-file prefix, or `other`.
fn route_label(request: &Request) -> String {
    if let Some(path) = request.extensions().get::<MatchedPath>() {
        return path.as_str().to_string();
    }
    let path = request.uri().path();
    if path.starts_with("/pkg/") {
        "/pkg/{file}".into()
    } else {
        "other".into()
    }
}

pub async fn track_requests(request: Request, next: Next) -> Response {
    let route = route_label(&request);
    let method = request.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("famigo_http_requests_total", "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("famigo_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

pub async fn render(State(state): State<AppState>) -> Response {
    let stats = &state.page_cache_stats;
    for (outcome, value) in [
        ("hit", &stats.hits),
        ("miss", &stats.misses),
        ("bypass", &stats.bypasses),
        ("render", &stats.renders),
        ("store", &stats.stored),
    ] {
        metrics::counter!("famigo_page_cache_total", "outcome" => outcome).absolute(value.load(Ordering::Relaxed));
    }
    let (store, cache, search, queue) = tokio::join!(
        probe(state.catalog.ping()),
        probe(state.page_cache.ping()),
        probe(state.search.ping()),
        probe(state.jobs.ping()),
    );
    for (dependency, backend, (up, seconds)) in [
        ("store", state.catalog.backend(), store),
        ("page_cache", state.page_cache.backend(), cache),
        ("search", state.search.backend(), search),
        ("queue", state.jobs.backend(), queue),
    ] {
        metrics::gauge!("famigo_dependency_up", "dependency" => dependency, "backend" => backend).set(if up {
            1.0
        } else {
            0.0
        });
        metrics::gauge!("famigo_dependency_ping_seconds", "dependency" => dependency).set(seconds);
    }
    if let Ok(list) = state.jobs.list(&Default::default(), 1, 1).await {
        for &job_state in JobState::ALL {
            metrics::gauge!("famigo_jobs", "state" => job_state.slug()).set(list.counts.of(job_state) as f64);
        }
    }
    let handle = handle();
    handle.run_upkeep();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render()).into_response()
}

async fn probe<E>(ping: impl std::future::Future<Output = Result<(), E>>) -> (bool, f64) {
    let started = Instant::now();
    let up = matches!(tokio::time::timeout(PING_TIMEOUT, ping).await, Ok(Ok(())));
    (up, started.elapsed().as_secs_f64())
}
