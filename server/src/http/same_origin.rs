//! Cross-site request protection for everything that changes state. Session cookies are
//! SameSite=Lax already; on top, a POST (or PUT, PATCH, DELETE) from a browser must come from a
//! page of this site: its `Origin` (or, without one, its `Referer`) names this host. `Origin:
//! null` (a sandboxed frame, a redirect from elsewhere) is never this site. A request with
//! neither header passes only when it carries no session cookie: every browser sends `Origin`
//! on a POST, so that is a script (`ADMIN_TOKEN` automation, health tooling), not a page.

use crate::http::sessions::has_session_cookie;
use app::api::ApiError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Origins accepted besides the request's own host (`CANONICAL_URL`).
#[derive(Clone, Default)]
pub struct TrustedOrigins(pub Arc<Vec<String>>);

pub async fn reject_cross_site(State(trusted): State<TrustedOrigins>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || same_site(request.headers(), &trusted)
    {
        return next.run(request).await;
    }
    tracing::warn!(uri = %super::request_id::loggable_uri(request.uri()), "cross-site request refused");
    let body = serde_json::to_string(&ApiError::CrossSite).unwrap_or_default();
    (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn same_site(headers: &HeaderMap, trusted: &TrustedOrigins) -> bool {
    let source = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|v| v.to_str().ok());
    let Some(source) = source else { return !has_session_cookie(headers) };
    if source.trim().eq_ignore_ascii_case("null") {
        return false;
    }
    let Ok(uri) = source.parse::<axum::http::Uri>() else { return false };
    let Some(authority) = uri.authority() else { return false };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    authority.as_str().eq_ignore_ascii_case(host)
        || trusted.0.iter().any(|origin| {
            origin.parse::<axum::http::Uri>().ok().and_then(|o| o.authority().cloned()).is_some_and(|o| o == *authority)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn only_this_sites_pages_may_post() {
        let trusted = TrustedOrigins(Arc::new(vec!["https://famigo.example".into()]));
        assert!(same_site(&headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")]), &trusted));
        assert!(same_site(&headers(&[("host", "internal:3000"), ("origin", "https://famigo.example")]), &trusted));
        assert!(same_site(&headers(&[("host", "a.test"), ("referer", "http://a.test/admin/jobs")]), &trusted));
        assert!(!same_site(&headers(&[("host", "a.test"), ("origin", "https://evil.test")]), &trusted));
        assert!(!same_site(
            &headers(&[("host", "a.test"), ("origin", "null"), ("cookie", "famigo_session=x")]),
            &trusted
        ));
        assert!(!same_site(&headers(&[("host", "a.test"), ("origin", "null")]), &trusted), "login CSRF from a sandbox");
        assert!(same_site(&headers(&[("host", "a.test")]), &trusted), "a script without cookies");
        assert!(!same_site(&headers(&[("host", "a.test"), ("cookie", "famigo_session=x")]), &trusted));
    }
}
