//! Requests for an old domain (`LEGACY_HOSTS`) get a permanent redirect to the same path and
//! query on `CANONICAL_URL`, so old links and search results keep working.

use axum::extract::{Request, State};
use axum::http::header::{HOST, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

#[derive(Clone)]
pub struct LegacyHosts {
    pub hosts: Arc<[String]>,
    pub canonical_url: Arc<str>,
}

fn request_host(request: &Request) -> Option<String> {
    let host = match request.headers().get(HOST).and_then(|h| h.to_str().ok()) {
        Some(h) => h.to_string(),
        None => request.uri().host()?.to_string(),
    };
    let without_port = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name.to_string(),
        _ => host,
    };
    Some(without_port.trim_end_matches('.').to_ascii_lowercase())
}

pub async fn redirect_legacy_hosts(State(legacy): State<LegacyHosts>, request: Request, next: Next) -> Response {
    let Some(host) = request_host(&request) else { return next.run(request).await };
    if !legacy.hosts.contains(&host) {
        return next.run(request).await;
    }
    let path = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
    match HeaderValue::from_str(&format!("{}{path}", legacy.canonical_url)) {
        Ok(location) => (StatusCode::MOVED_PERMANENTLY, [(LOCATION, location)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}
