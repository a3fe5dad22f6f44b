//! Cache headers for files from the built site (cargo-leptos output: `/pkg/*` and `public/`).
//! Hashed names (`famigo.<hash>.js`) change whenever their bytes do, so browsers and CDNs may
//! keep them forever; other files (favicon, robots.txt) only briefly.

use axum::extract::Request;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

const FOREVER: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const BRIEFLY: HeaderValue = HeaderValue::from_static("public, max-age=3600");

/// cargo-leptos names hashed files `<name>.<22 base64url characters>.<ext>`.
pub fn is_hashed_name(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    file.split('.')
        .skip(1)
        .any(|part| part.len() == 22 && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// Wraps the fallback that serves site files (and renders the 404 page for anything else).
pub async fn cache_headers(request: Request, next: Next) -> Response {
    let hashed = is_hashed_name(request.uri().path());
    let mut response = next.run(request).await;
    if response.status() == StatusCode::OK {
        response.headers_mut().insert(CACHE_CONTROL, if hashed { FOREVER } else { BRIEFLY });
    }
    response
}

#[cfg(test)]
mod tests {
    use super::is_hashed_name;

    #[test]
    fn recognises_cargo_leptos_hashed_names() {
        assert!(is_hashed_name("/pkg/famigo.iK01_jw3PAz8NqDhXZLYJg.js"));
        assert!(is_hashed_name("/pkg/famigo.jeKDGo5xd1YUxNTI2TJ6Yg.wasm"));
        assert!(!is_hashed_name("/pkg/famigo.js"));
        assert!(!is_hashed_name("/favicon.svg"));
        assert!(!is_hashed_name("/robots.txt"));
    }
}
