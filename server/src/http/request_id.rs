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
    tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id = %id)
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
