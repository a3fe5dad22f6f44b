//! The headers every answer carries unless it set its own (`/media/` sets a stricter policy):
//! no framing by other sites, no type sniffing, no full URLs (with their tokens) in Referer to
//! other sites, and with an https `CANONICAL_URL`, HSTS. Pages set their own policy, with the
//! nonce of their scripts (`app::content_policy`).

use app::content_policy::POLICY;
use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

const HSTS: &str = "max-age=31536000; includeSubDomains";

pub fn apply(router: Router, https: bool) -> Router {
    let defaults = [
        (header::CONTENT_SECURITY_POLICY, POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
    ];
    let mut router = router;
    for (name, value) in defaults {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    if https {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("strict-transport-security"),
            HeaderValue::from_static(HSTS),
        ));
    }
    router
}
