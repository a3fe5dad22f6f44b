//! What crawlers and feed readers read: `robots.txt`, the sitemap (an index of parts when the
//! catalog outgrows one file), Atom feeds of new apps, and each app's icon as SVG (the image
//! shared links show). Absolute URLs use `CANONICAL_URL`, else the request's own host.

use app::domain::{icon_badge, AgeBand, App, CatalogQuery, SortOrder};
use app::ports::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::Extension;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, StreamExt};

const SCAN_BATCH: usize = 2_000;
const FEED_SIZE: u32 = 50;

/// Settings for the sitemap, from `WebConfig`.
#[derive(Clone)]
pub struct SeoConfig {
    pub canonical_url: Option<String>,
    /// URLs per sitemap file (the protocol allows 50,000).
    pub sitemap_limit: usize,
}

/// Pages listed besides the apps: home, all apps, each age band.
fn fixed_paths() -> Vec<String> {
    let mut paths = vec!["/".to_string(), "/apps".to_string()];
    paths.extend(AgeBand::ALL.iter().map(|b| CatalogQuery { age: Some(*b), ..Default::default() }.href()));
    paths
}

fn origin(config: &SeoConfig, headers: &HeaderMap) -> String {
    if let Some(url) = &config.canonical_url {
        return url.clone();
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("localhost");
    let scheme = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).unwrap_or("http");
    format!("{scheme}://{host}")
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

fn xml(body: Body) -> Response {
    ([(header::CONTENT_TYPE, "application/xml; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

pub async fn robots(Extension(seo): Extension<SeoConfig>, headers: HeaderMap) -> Response {
    let origin = origin(&seo, &headers);
    let text = format!(
        "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /admin\nDisallow: /account\n\
         Disallow: /search?*page=\nDisallow: /*&page=\nDisallow: /*?page=\n\nSitemap: {origin}/sitemap.xml\n"
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], text).into_response()
}

/// One file while everything fits, else an index of `/sitemaps/<n>.xml` parts.
pub async fn sitemap(State(state): State<AppState>, Extension(seo): Extension<SeoConfig>, headers: HeaderMap) -> Response {
    let origin = origin(&seo, &headers);
    let apps = match state.catalog.count().await {
        Ok(n) => n as usize,
        Err(e) => return unavailable(e),
    };
    let urls = fixed_paths().len() + apps;
    if urls <= seo.sitemap_limit {
        return xml(urlset(state, origin, 0, usize::MAX, true));
    }
    let parts = urls.div_ceil(seo.sitemap_limit);
    let mut body = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for part in 1..=parts {
        body.push_str(&format!("<sitemap><loc>{origin}/sitemaps/{part}.xml</loc></sitemap>\n"));
    }
    body.push_str("</sitemapindex>\n");
    xml(Body::from(body))
}

/// Part `n` (from 1) of a split sitemap: the fixed pages lead part 1, then apps in slug order.
pub async fn sitemap_part(
    State(state): State<AppState>,
    Extension(seo): Extension<SeoConfig>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(part) = file.strip_suffix(".xml").and_then(|n| n.parse::<usize>().ok()).filter(|n| *n >= 1) else {
        return (StatusCode::NOT_FOUND, "no such sitemap").into_response();
    };
    let origin = origin(&seo, &headers);
    let fixed = fixed_paths().len();
    let first_url = (part - 1) * seo.sitemap_limit;
    let (skip_apps, with_fixed, take) = if part == 1 {
        (0, true, seo.sitemap_limit - fixed.min(seo.sitemap_limit))
    } else {
        (first_url - fixed, false, seo.sitemap_limit)
    };
    match state.catalog.count().await {
        Ok(n) if skip_apps < n as usize || part == 1 => xml(urlset(state, origin, skip_apps, take, with_fixed)),
        Ok(_) => (StatusCode::NOT_FOUND, "no such sitemap").into_response(),
        Err(e) => unavailable(e),
    }
}

fn unavailable(e: app::ports::StoreError) -> Response {
    tracing::error!("sitemap: {e}");
    (StatusCode::SERVICE_UNAVAILABLE, "the catalog is unavailable").into_response()
}

/// A `<urlset>` streamed from the catalog in slug order, `take` apps after skipping `skip`.
fn urlset(state: AppState, origin: String, skip: usize, take: usize, with_fixed: bool) -> Body {
    let head = {
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        if with_fixed {
            for path in fixed_paths() {
                s.push_str(&format!("<url><loc>{}</loc></url>\n", escape(&format!("{origin}{path}"))));
            }
        }
        s
    };
    struct Walk {
        after: Option<String>,
        skipped: usize,
        left: usize,
        done: bool,
    }
    let walk = Walk { after: None, skipped: 0, left: take, done: take == 0 };
    let apps = stream::unfold((walk, state, skip, origin), |(mut walk, state, skip, origin)| async move {
        if walk.done {
            return None;
        }
        let batch = match state.catalog.scan(walk.after.as_deref(), SCAN_BATCH).await {
            Ok(batch) => batch,
            Err(e) => {
                tracing::error!("sitemap stopped early: {e}");
                return None;
            }
        };
        walk.done = batch.len() < SCAN_BATCH;
        walk.after = batch.last().map(|a| a.slug.clone());
        let mut chunk = String::new();
        for app in batch {
            if walk.skipped < skip {
                walk.skipped += 1;
                continue;
            }
            if walk.left == 0 {
                walk.done = true;
                break;
            }
            walk.left -= 1;
            chunk.push_str(&format!(
                "<url><loc>{}/apps/{}</loc><lastmod>{}</lastmod></url>\n",
                escape(&origin),
                app.slug,
                app.updated.format("%Y-%m-%d")
            ));
        }
        Some((Ok::<_, std::io::Error>(chunk), (walk, state, skip, origin)))
    });
    let tail = stream::once(async { Ok::<_, std::io::Error>("</urlset>\n".to_string()) });
    Body::from_stream(stream::once(async move { Ok::<_, std::io::Error>(head) }).chain(apps).chain(tail))
}

/// `/feeds/new.atom` and `/feeds/ages/<band>.atom`: the newest apps.
pub async fn feed_new(State(state): State<AppState>, Extension(seo): Extension<SeoConfig>, headers: HeaderMap) -> Response {
    feed(state, &origin(&seo, &headers), None).await
}

pub async fn feed_age(
    State(state): State<AppState>,
    Extension(seo): Extension<SeoConfig>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    match file.strip_suffix(".atom").and_then(AgeBand::parse) {
        Some(band) => feed(state, &origin(&seo, &headers), Some(band)).await,
        None => (StatusCode::NOT_FOUND, "no such feed").into_response(),
    }
}

async fn feed(state: AppState, origin: &str, band: Option<AgeBand>) -> Response {
    let query = CatalogQuery { age: band, sort: SortOrder::Newest, per_page: FEED_SIZE, ..Default::default() };
    let page = match state.catalog.list(&query).await {
        Ok(page) => page,
        Err(e) => return unavailable(e),
    };
    let (title, self_path) = match band {
        Some(b) => (format!("Famigo — new apps for {}", b.label().to_lowercase()), format!("/feeds/ages/{}.atom", b.slug())),
        None => ("Famigo — new apps and games for kids".to_string(), "/feeds/new.atom".to_string()),
    };
    let updated = page.apps.iter().map(|a| a.updated).max().map(atom_date).unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <title>{}</title>\n<id>{}{}</id>\n<link rel=\"self\" href=\"{}{}\"/>\n<link href=\"{}{}\"/>\n<updated>{updated}</updated>\n",
        escape(&title),
        escape(origin),
        self_path,
        escape(origin),
        self_path,
        escape(origin),
        escape(&query.href()),
    );
    for app in &page.apps {
        body.push_str(&entry(origin, app));
    }
    body.push_str("</feed>\n");
    ([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=600")], body).into_response()
}

fn atom_date(date: chrono::NaiveDate) -> String {
    format!("{}T00:00:00Z", date.format("%Y-%m-%d"))
}

fn entry(origin: &str, app: &App) -> String {
    let url = format!("{origin}/apps/{}", app.slug);
    let summary: String = app.description.chars().take(300).collect();
    format!(
        "<entry>\n<title>{}</title>\n<id>{}</id>\n<link href=\"{}\"/>\n<updated>{}</updated>\n<published>{}</published>\n\
         <author><name>{}</name></author>\n<summary>{}</summary>\n</entry>\n",
        escape(&app.name),
        escape(&url),
        escape(&url),
        atom_date(app.updated),
        atom_date(app.released),
        escape(&app.developer),
        escape(&format!("Ages {}+ · {} · {}", app.min_age, app.price_label(), summary)),
    )
}

/// `/apps/<slug>/icon.svg`: the app's badge, the image its shared links show.
pub async fn app_icon(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let app = match state.catalog.get(&slug).await {
        Ok(Some(app)) => app,
        Ok(None) => return (StatusCode::NOT_FOUND, "no such app").into_response(),
        Err(e) => return unavailable(e),
    };
    let (initials, hue) = icon_badge(&app.name, &app.slug);
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"512\" height=\"512\" viewBox=\"0 0 512 512\">\
         <rect width=\"512\" height=\"512\" rx=\"112\" fill=\"hsl({hue}, 55%, 45%)\"/>\
         <text x=\"256\" y=\"256\" dy=\".35em\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"220\" \
         font-weight=\"700\" fill=\"#fff\">{}</text></svg>",
        escape(&initials)
    );
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], svg).into_response()
}
