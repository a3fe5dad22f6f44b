//! Every request gets an `x-request-id` (kept if the client or balancer sent one), echoed in
//! the response and recorded on the request's tracing span.

use axum::http::{HeaderName, Request};
use axum::Router;
use std::sync::atomic::{AtomicU64, Ordering};
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

const HEADER: HeaderName = HeaderName::from_static("x-request-id");

#[derive(Clone, Default)]
pub struct Counter {
    prefix: u32,
    next: std::sync::Arc<AtomicU64>,
}

impl MakeRequestId for Counter {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!("{:08x}-{n}", self.prefix).parse().ok().map(RequestId::new)
    }
}

fn span_for<B>(request: &Request<B>) -> tracing::Span {
    let id = request.headers().get(&HEADER).and_then(|v| v.to_str().ok()).unwrap_or("-");
    let uri = loggable_uri(request.uri());
    tracing::info_span!("request", method = %request.method(), uri = %uri, request_id = %id)
}

/// Query parameters whose values are secrets (a reset or unsubscribe link's token).
const SECRET_PARAMS: &[&str] = &["token", "key", "secret", "password", "code"];

/// The path and query for a log line, with the values of `SECRET_PARAMS` blanked: logs are read
/// by more people, and kept longer, than the links these tokens open.
pub fn loggable_uri(uri: &axum::http::Uri) -> String {
    let Some(query) = uri.query() else { return uri.path().to_string() };
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let secret = SECRET_PARAMS.iter().any(|s| name.eq_ignore_ascii_case(s));
        out.append_pair(&name, if secret { "***" } else { &value });
    }
    format!("{}?{}", uri.path(), out.finish())
}

/// Adds request ids and per-request tracing to every route of `router`.
pub fn apply(router: Router) -> Router {
    let counter = Counter { prefix: std::process::id(), next: Default::default() };
    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(HEADER, counter))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(span_for::<axum::body::Body>)
                    .on_response(DefaultOnResponse::new().level(Level::INFO)),
            )
            .layer(PropagateRequestIdLayer::new(HEADER)),
    )
}

#[cfg(test)]
mod tests {
    use super::loggable_uri;

    #[test]
    fn tokens_in_links_never_reach_the_log() {
        let uri = |text: &str| loggable_uri(&text.parse().unwrap());
        assert_eq!(uri("/reset-password?token=Zr8kq1xw"), "/reset-password?token=***");
        assert_eq!(uri("/unsubscribe?user=01J&TOKEN=abc"), "/unsubscribe?user=01J&TOKEN=***");
        assert_eq!(uri("/apps?age=5-7&page=2"), "/apps?age=5-7&page=2");
        assert_eq!(uri("/"), "/");
    }
}
