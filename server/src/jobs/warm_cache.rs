//! `warm_cache`: renders the pages most visitors land on (home, all apps, each age band, the
//! top-rated apps' pages) through the site's own router, so after a write invalidated them
//! the next visitor gets a cached page; and the sitemap (each part, when it is split) and the
//! feeds, so crawlers get them without a walk of the catalog. Pages already cached are left
//! alone.

use super::{JobContext, JobError};
use app::domain::{AgeBand, CatalogQuery};
use tower::ServiceExt;

const TOP_APPS: u32 = 24;
/// The encodings browsers and the bare clients ask for; each is its own cache entry.
const ENCODINGS: &[&str] = &["br, gzip", "gzip", ""];

pub async fn run(ctx: &JobContext) -> Result<String, JobError> {
    let router = ctx.services.router.clone();
    let mut uris = vec!["/".to_string(), "/apps".to_string()];
    uris.extend(AgeBand::ALL.iter().map(|b| CatalogQuery { age: Some(*b), ..Default::default() }.href()));
    let top = ctx
        .services
        .catalog
        .list(&CatalogQuery { per_page: TOP_APPS, ..Default::default() })
        .await
        .map_err(|e| JobError::Failed(e.to_string()))?;
    uris.extend(top.apps.iter().map(|a| format!("/apps/{}", a.slug)));
    uris.push("/feeds/new.atom".into());
    uris.extend(AgeBand::ALL.iter().map(|b| format!("/feeds/ages/{}.atom", b.slug())));
    uris.push("/sitemap.xml".into());
    uris.extend(sitemap_parts(&router).await?);

    let total = (uris.len() * ENCODINGS.len()) as u64;
    let (mut rendered, mut cached, mut failed) = (0u64, 0u64, 0u64);
    for (i, uri) in uris.iter().enumerate() {
        for encoding in ENCODINGS {
            let mut request = axum::http::Request::get(uri.as_str());
            if !encoding.is_empty() {
                request = request.header("accept-encoding", *encoding);
            }
            let request = request.body(axum::body::Body::empty()).map_err(|e| JobError::Failed(e.to_string()))?;
            let response = router.clone().oneshot(request).await.map_err(|e| JobError::Failed(e.to_string()))?;
            match (response.status().as_u16(), response.headers().get("x-cache").and_then(|v| v.to_str().ok())) {
                (200, Some("hit")) => cached += 1,
                (200, _) => rendered += 1,
                _ => failed += 1,
            }
            let _ = axum::body::to_bytes(response.into_body(), usize::MAX).await;
        }
        ctx.progress(((i + 1) * ENCODINGS.len()) as u64, total, format!("{} of {} pages", i + 1, uris.len())).await?;
    }
    Ok(serde_json::json!({ "pages": uris.len(), "rendered": rendered, "already_cached": cached, "failed": failed })
        .to_string())
}

/// The parts `/sitemap.xml` lists when it is an index (none when it is the whole sitemap).
async fn sitemap_parts(router: &axum::Router) -> Result<Vec<String>, JobError> {
    let request = axum::http::Request::get("/sitemap.xml")
        .body(axum::body::Body::empty())
        .map_err(|e| JobError::Failed(e.to_string()))?;
    let response = router.clone().oneshot(request).await.map_err(|e| JobError::Failed(e.to_string()))?;
    let body =
        axum::body::to_bytes(response.into_body(), usize::MAX).await.map_err(|e| JobError::Failed(e.to_string()))?;
    let text = String::from_utf8_lossy(&body);
    if !text.contains("<sitemapindex") {
        return Ok(Vec::new());
    }
    Ok(text
        .split("<loc>")
        .skip(1)
        .filter_map(|rest| rest.split("</loc>").next())
        .filter_map(|loc| loc.find("/sitemaps/").map(|at| loc[at..].to_string()))
        .collect())
}
