//! Static files and the web edge: cache headers, precompressed assets, CDN base URL, and
//! redirects from old domains.

use crate::common;

use common::TestApp;
use std::fs;
use tempfile::TempDir;

const HASHED_JS: &str = "famigo.iK01_jw3PAz8NqDhXZLYJg.js";

/// A built site as cargo-leptos leaves it with `--precompress`: a hashed bundle with `.br` and
/// `.gz` beside it, and unhashed public files.
fn fake_site() -> TempDir {
    let site = TempDir::new().unwrap();
    fs::create_dir(site.path().join("pkg")).unwrap();
    fs::write(site.path().join("pkg").join(HASHED_JS), "console.log('famigo')").unwrap();
    fs::write(site.path().join("pkg").join(format!("{HASHED_JS}.br")), b"brotli bytes").unwrap();
    fs::write(site.path().join("pkg").join(format!("{HASHED_JS}.gz")), b"gzip bytes").unwrap();
    fs::write(site.path().join("favicon.svg"), "<svg/>").unwrap();
    site
}

#[tokio::test]
async fn hashed_assets_are_cached_forever_and_served_precompressed() {
    let site = fake_site();
    let root = site.path().to_str().unwrap();
    let app = TestApp::with_env(5, &[("LEPTOS_SITE_ROOT", root)]).await;
    let uri = format!("/pkg/{HASHED_JS}");

    let br = app.get_with(&uri, &[("accept-encoding", "br, gzip")]).await;
    assert_eq!(br.status, 200);
    assert_eq!(br.headers["content-encoding"], "br");
    assert_eq!(br.body, "brotli bytes");
    assert_eq!(br.headers["cache-control"], "public, max-age=31536000, immutable");

    let gz = app.get_with(&uri, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.headers["content-encoding"], "gzip");
    assert_eq!(gz.body, "gzip bytes");

    let plain = app.get(&uri).await;
    assert!(plain.headers.get("content-encoding").is_none());
    assert_eq!(plain.body, "console.log('famigo')");

    let favicon = app.get("/favicon.svg").await;
    assert_eq!(favicon.status, 200);
    assert_eq!(favicon.headers["cache-control"], "public, max-age=3600");

    let missing = app.get("/pkg/famigo.nothere.js").await;
    assert_eq!(missing.status, 404);
    assert!(missing.headers.get("cache-control").is_none(), "a 404 must not be cached for a year");
}

#[tokio::test]
async fn dynamic_pages_are_compressed_when_accepted() {
    let app = TestApp::seeded(50).await;
    let page = app.get_with("/apps", &[("accept-encoding", "gzip")]).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.headers["content-encoding"], "gzip");
}

#[tokio::test]
async fn asset_url_points_pages_at_the_cdn() {
    let app = TestApp::with_env(5, &[("ASSET_URL", "https://cdn.example.com/famigo/")]).await;
    let page = app.get("/").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"href="https://cdn.example.com/famigo/pkg/famigo.css""#), "stylesheet from the CDN");
    assert!(page.body.contains(r#"("https://cdn.example.com/famigo", "pkg", "famigo""#), "scripts from the CDN");

    let local = TestApp::seeded(5).await.get("/").await;
    assert!(local.body.contains(r#"href="/pkg/famigo.css""#));
}

#[tokio::test]
async fn legacy_hosts_redirect_permanently_to_the_canonical_url() {
    let app = TestApp::with_env(
        5,
        &[("CANONICAL_URL", "https://famigo.example"), ("LEGACY_HOSTS", "famigo.com,www.famigo.com")],
    )
    .await;
    let old = app.get_with("/apps?age=5-7&platform=ios", &[("host", "www.famigo.com:8080")]).await;
    assert_eq!(old.status, 301);
    assert_eq!(old.headers["location"], "https://famigo.example/apps?age=5-7&platform=ios");

    let root = app.get_with("/", &[("host", "FAMIGO.COM")]).await;
    assert_eq!(root.status, 301);
    assert_eq!(root.headers["location"], "https://famigo.example/");

    let current = app.get_with("/apps", &[("host", "famigo.example")]).await;
    assert_eq!(current.status, 200);
}
