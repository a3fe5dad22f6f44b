//! The Content-Security-Policy. Pages allow the site's own scripts (and the CDN's, with
//! `ASSET_URL`), the WASM bundle, and inline scripts carrying this render's nonce: Leptos puts
//! the nonce on the hydration script and on every script holding resolved resources. A cached
//! page keeps the nonce it was rendered with; that is safe because anything that could inject
//! markup into a page (a review, a query) changes what the page shows, and so is only ever
//! rendered after that change, under a nonce drawn then.

/// Every answer that does not set its own: no framing by other sites, no injected `<base>`,
/// plugin or form pointing elsewhere, and no inline script (only leptos pages have any).
pub const POLICY: &str =
    "frame-ancestors 'none'; base-uri 'self'; object-src 'none'; form-action 'self'; script-src 'self'";

/// The policy of one rendered page.
pub fn for_page(nonce: &str, asset_root: &str) -> String {
    let asset_origin = origin_of(asset_root).map(|origin| format!(" {origin}")).unwrap_or_default();
    format!("{POLICY}{asset_origin} 'nonce-{nonce}' 'wasm-unsafe-eval'")
}

/// Sets the page's policy on the response, from the nonce `leptos_axum` drew for this render.
pub fn declare(asset_root: &str) {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&for_page(&nonce, asset_root)) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// `https://cdn.example.com` of `https://cdn.example.com/famigo`; nothing for a relative root.
fn origin_of(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let end = url.len() - rest.len() + rest.find('/').unwrap_or(rest.len());
    Some(&url[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_allows_its_nonce_the_bundle_and_the_asset_origin_only() {
        let page = for_page("abc", "");
        assert!(page.ends_with("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"), "{page}");
        assert!(!page.contains("unsafe-inline"), "{page}");
        let cdn = for_page("abc", "https://cdn.example.com:8443/famigo/v2");
        assert!(cdn.contains("script-src 'self' https://cdn.example.com:8443 'nonce-abc'"), "{cdn}");
        assert_eq!(origin_of("https://cdn.example.com"), Some("https://cdn.example.com"));
        assert_eq!(origin_of("/assets"), None);
    }
}
