//! Whole-page caching of anonymous GETs, in front of compression and rendering.
//!
//! A page is stored only when its render declared what it shows (`x-cache-tags`, see
//! `app::api::declare_cache_tags`), answered 200 and set no cookie. The key is the path, the
//! query as the page reads it (`canonical_query`: parameters no page reads are dropped) and the
//! chosen content encoding, since the stored bytes are compressed. Requests carrying a session cookie
//! or credentials bypass the cache, and so does everything while the cache is unavailable.
//! Concurrent misses of one key render once (`Flights`).

use crate::http::sessions::has_session_cookie;
use app::domain::{CatalogQuery, SearchQuery};
use app::ports::{CachedPage, PageCache, PageCacheStats, WarnThrottle, CACHE_TAGS_HEADER};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::future::{BoxFuture, FutureExt, Shared};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

const X_CACHE: HeaderName = HeaderName::from_static("x-cache");
/// Pages may be stored by browsers and CDNs but must be revalidated (a cheap 304 by ETag):
/// only this server knows when a write made them stale.
const PUBLIC_REVALIDATE: HeaderValue = HeaderValue::from_static("public, no-cache");
const PRIVATE: HeaderValue = HeaderValue::from_static("private, no-cache");
const VARY: HeaderValue = HeaderValue::from_static("accept-encoding, cookie");
const WARN_EVERY_SECS: u64 = 30;

/// Headers that belong to one response, not to the page.
const NOT_REPLAYED: &[HeaderName] = &[
    header::DATE,
    header::CONTENT_LENGTH,
    header::TRANSFER_ENCODING,
    header::CONNECTION,
    header::CACHE_CONTROL,
    header::ETAG,
    header::VARY,
    header::SET_COOKIE,
];

#[derive(Clone)]
pub struct PageCacheLayer {
    cache: Arc<dyn PageCache>,
    stats: Arc<PageCacheStats>,
    flights: Arc<Flights>,
    warnings: Arc<WarnThrottle>,
}

impl PageCacheLayer {
    pub fn new(cache: Arc<dyn PageCache>, stats: Arc<PageCacheStats>) -> PageCacheLayer {
        PageCacheLayer { cache, stats, flights: Arc::default(), warnings: Arc::default() }
    }

    fn warn_unavailable(&self, error: &app::ports::CacheError) {
        if self.warnings.allow(WARN_EVERY_SECS) {
            tracing::warn!("{error}; serving pages uncached (this warning repeats at most every {WARN_EVERY_SECS} s)");
        }
    }
}

/// A render shared by every request that missed the same key while it ran.
struct Rendered {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// Set when the response may be served to anyone who asks for this key.
    page: Option<Arc<CachedPage>>,
}

type Flight = Shared<BoxFuture<'static, Option<Arc<Rendered>>>>;

#[derive(Default)]
struct Flights(Mutex<HashMap<String, Flight>>);

impl Flights {
    /// The flight already rendering `key`, or the one `start()` begins.
    fn join_or_start(&self, key: &str, start: impl FnOnce() -> Flight) -> Flight {
        let mut flights = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(flight) = flights.get(key) {
            return flight.clone();
        }
        let flight = start();
        flights.insert(key.to_string(), flight.clone());
        flight
    }

    fn land(&self, key: &str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

pub async fn serve_cached(State(layer): State<PageCacheLayer>, mut request: Request, next: Next) -> Response {
    if !is_page_request(&request) {
        // Server functions declare tags too (they cannot tell a page render from a call).
        let mut response = next.run(request).await;
        response.headers_mut().remove(CACHE_TAGS_HEADER);
        return response;
    }
    if *request.method() != Method::GET || is_personal(request.headers()) {
        layer.stats.bypasses.fetch_add(1, Ordering::Relaxed);
        return uncached(next.run(request).await, "bypass");
    }
    let encoding = negotiate_encoding(request.headers());
    request.headers_mut().insert(header::ACCEPT_ENCODING, HeaderValue::from_static(encoding));
    let origin = request.extensions().get::<app::ports::RequestOrigin>().filter(|o| o.from_request);
    let key = cache_key(encoding, origin.map(|o| o.url.as_str()), request.uri());
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();

    match layer.cache.get(&key).await {
        Ok(Some(page)) => {
            layer.stats.hits.fetch_add(1, Ordering::Relaxed);
            return from_page(&page, "hit", if_none_match.as_ref());
        }
        Ok(None) => {}
        Err(e) => {
            layer.warn_unavailable(&e);
            layer.stats.bypasses.fetch_add(1, Ordering::Relaxed);
            return uncached(next.run(request).await, "bypass");
        }
    }

    layer.stats.misses.fetch_add(1, Ordering::Relaxed);
    let mut own = Some((request, next));
    let flight = layer.flights.join_or_start(&key, || {
        let (request, next) = own.take().expect("taken once");
        let task = tokio::spawn(render_and_store(layer.clone(), key.clone(), request, next));
        let (flights, key) = (layer.flights.clone(), key.clone());
        async move {
            let rendered = task.await.ok();
            if rendered.is_none() {
                flights.land(&key); // the render panicked before landing
            }
            rendered
        }
        .boxed()
        .shared()
    });
    match (flight.await, own) {
        (Some(rendered), _) if rendered.page.is_some() => {
            from_page(rendered.page.as_ref().expect("checked"), "miss", if_none_match.as_ref())
        }
        (Some(rendered), None) => {
            // The leader's own response, not shareable (an error page, a cookie…).
            let mut response = Response::new(Body::from(rendered.body.clone()));
            *response.status_mut() = rendered.status;
            *response.headers_mut() = rendered.headers.clone();
            uncached(response, "miss")
        }
        // A follower cannot use a response meant for its leader alone: it renders its own.
        (_, Some((request, next))) => uncached(next.run(request).await, "miss"),
        (None, None) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn render_and_store(layer: PageCacheLayer, key: String, request: Request, next: Next) -> Arc<Rendered> {
    let mark = layer.cache.mark().await;
    layer.stats.renders.fetch_add(1, Ordering::Relaxed);
    let response = next.run(request).await;
    let (mut parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(e) => {
            tracing::error!("page body failed while rendering {key}: {}", app::ports::Causes(&e));
            layer.flights.land(&key);
            return Arc::new(Rendered {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                headers: HeaderMap::new(),
                body: Bytes::new(),
                page: None,
            });
        }
    };
    let tags = take_tags(&mut parts.headers);
    let shareable =
        parts.status == StatusCode::OK && !tags.is_empty() && !parts.headers.contains_key(header::SET_COOKIE);
    let page = shareable.then(|| {
        Arc::new(CachedPage {
            status: parts.status.as_u16(),
            headers: replayed_headers(&parts.headers),
            etag: etag_of(&body),
            body: body.to_vec(),
            tags,
        })
    });
    if let (Some(page), Ok(mark)) = (&page, mark) {
        match layer.cache.put(&key, (**page).clone(), mark).await {
            Ok(true) => {
                layer.stats.stored.fetch_add(1, Ordering::Relaxed);
            }
            Ok(false) => tracing::debug!("{key} changed while rendering; not stored"),
            Err(e) => layer.warn_unavailable(&e),
        }
    }
    layer.flights.land(&key);
    Arc::new(Rendered { status: parts.status, headers: parts.headers, body, page })
}

/// Only rendered pages and generated documents (sitemaps, feeds): not server functions, health
/// checks or files from the built site.
fn is_page_request(request: &Request) -> bool {
    let path = request.uri().path();
    let generated = path == "/sitemap.xml" || path.starts_with("/sitemaps/") || path.starts_with("/feeds/");
    let is_file = !generated && path.rsplit('/').next().is_some_and(|last| last.contains('.'));
    matches!(*request.method(), Method::GET | Method::HEAD)
        && !is_file
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && !matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// A signed-in user's pages are theirs alone.
fn is_personal(headers: &HeaderMap) -> bool {
    headers.contains_key(header::AUTHORIZATION) || has_session_cookie(headers)
}

/// br, else gzip, else identity: the encodings the compression layer produces.
fn negotiate_encoding(headers: &HeaderMap) -> &'static str {
    let mut accepted = (false, false);
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        for item in value.to_str().unwrap_or_default().split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let refused = parts.any(|p| {
                let p = p.trim();
                p.strip_prefix("q=").is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
            });
            if refused {
                continue;
            }
            match name.as_str() {
                "br" => accepted.0 = true,
                "gzip" => accepted.1 = true,
                "*" => accepted = (true, true),
                _ => {}
            }
        }
    }
    match accepted {
        (true, _) => "br",
        (false, true) => "gzip",
        _ => "identity",
    }
}

/// The parameters pages other than browse and search read: the review pager on an app page,
/// the admin lists' page and status, the sign-in page's `next`, the reset and unsubscribe pages'.
const OTHER_PAGE_PARAMS: &[&str] = &["reviews", "page", "status", "next", "sent", "token", "user", "done"];

/// The query as the page reads it, in one spelling, so that a parameter no page reads (`?x=1`,
/// a tracker, an empty form field) never makes a cache entry of its own: browse and search
/// (and compare) parse theirs and write it back canonically (a query that does not parse gets a 400, which is
/// never stored); every other page keeps only `OTHER_PAGE_PARAMS`, sorted.
fn canonical_query(path: &str, query: &str) -> String {
    match path {
        "/apps" => CatalogQuery::from_query_str(query).map_or_else(|_| query.to_string(), |q| q.to_query_string()),
        "/search" => SearchQuery::from_query_str(query).map_or_else(|_| query.to_string(), |q| q.to_query_string()),
        "/compare" => {
            let apps = form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "apps").map(|(_, v)| v);
            match app::domain::parse_compare_list(apps.as_deref().unwrap_or_default()) {
                Ok(slugs) => format!("apps={}", slugs.join(",")),
                Err(_) => query.to_string(),
            }
        }
        _ => {
            let mut params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                .filter(|(name, value)| !value.is_empty() && OTHER_PAGE_PARAMS.contains(&name.as_ref()))
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect();
            params.sort();
            form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish()
        }
    }
}

/// The key of a page: its encoding, the origin its links were written with when that came from
/// the request (no `CANONICAL_URL`), its path and its canonical query.
pub fn cache_key(encoding: &str, origin: Option<&str>, uri: &axum::http::Uri) -> String {
    let query = canonical_query(uri.path(), uri.query().unwrap_or_default());
    format!("{encoding} {}{}?{query}", origin.unwrap_or_default(), uri.path())
}

fn take_tags(headers: &mut HeaderMap) -> Vec<String> {
    let mut tags: Vec<String> = headers
        .get_all(CACHE_TAGS_HEADER)
        .iter()
        .flat_map(|v| v.to_str().unwrap_or_default().split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .collect();
    headers.remove(CACHE_TAGS_HEADER);
    tags.sort();
    tags.dedup();
    tags
}

fn replayed_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| !NOT_REPLAYED.contains(name) && name.as_str() != "x-request-id")
        .filter_map(|(name, value)| Some((name.as_str().to_string(), value.to_str().ok()?.to_string())))
        .collect()
}

fn etag_of(body: &[u8]) -> String {
    format!("\"{:032x}\"", xxhash_rust::xxh3::xxh3_128(body))
}

fn etag_matches(if_none_match: &HeaderValue, etag: &str) -> bool {
    let text = if_none_match.to_str().unwrap_or_default();
    text.trim() == "*" || text.split(',').any(|candidate| candidate.trim().trim_start_matches("W/") == etag)
}

/// A stored page's body, handed to hyper without copying it.
struct PageBody(Arc<CachedPage>);

impl AsRef<[u8]> for PageBody {
    fn as_ref(&self) -> &[u8] {
        &self.0.body
    }
}

fn from_page(page: &Arc<CachedPage>, outcome: &'static str, if_none_match: Option<&HeaderValue>) -> Response {
    let not_modified = if_none_match.is_some_and(|v| etag_matches(v, &page.etag));
    let mut response = if not_modified {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let mut r = Response::new(Body::from(Bytes::from_owner(PageBody(page.clone()))));
        *r.status_mut() = StatusCode::from_u16(page.status).unwrap_or(StatusCode::OK);
        for (name, value) in &page.headers {
            if let (Ok(name), Ok(value)) = (HeaderName::try_from(name.as_str()), HeaderValue::try_from(value.as_str()))
            {
                r.headers_mut().append(name, value);
            }
        }
        r
    };
    let headers = response.headers_mut();
    if let Ok(etag) = HeaderValue::try_from(page.etag.as_str()) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(header::CACHE_CONTROL, PUBLIC_REVALIDATE);
    headers.insert(header::VARY, VARY);
    headers.insert(X_CACHE, HeaderValue::from_static(outcome));
    response
}

/// A response that was not (or may not be) shared: never stored downstream either.
fn uncached(mut response: Response, outcome: &'static str) -> Response {
    let headers = response.headers_mut();
    headers.remove(CACHE_TAGS_HEADER);
    headers.insert(header::CACHE_CONTROL, PRIVATE);
    headers.insert(X_CACHE, HeaderValue::from_static(outcome));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_parameter_order_empty_fields_and_trackers() {
        let key = |uri: &str| cache_key("br", None, &uri.parse().unwrap());
        assert_eq!(key("/apps?age=5-7&sort=new"), key("/apps?sort=new&age=5-7"));
        assert_eq!(key("/apps?age=5-7&q=&utm_source=mail"), key("/apps?age=5-7"));
        assert_ne!(key("/apps?age=5-7"), key("/apps?age=8-10"));
        assert_eq!(key("/?x=1"), key("/"), "a parameter no page reads");
        assert_eq!(key("/apps?age=5&junk=2&page=1"), key("/apps?age=5-7"), "browse reads its query canonically");
        assert_eq!(key("/search?q=dino&x=1&sort=relevance"), key("/search?q=dino"));
        assert_eq!(key("/compare?apps=a,%20b,a&x=1"), key("/compare?apps=a,b"), "compare reads its list canonically");
        assert_ne!(key("/compare?apps=a,b"), key("/compare?apps=a,c"));
        assert_ne!(key("/compare?apps=a,b"), key("/compare?apps=b,a"), "the order is the columns'");
        assert_ne!(key("/search?q=dino"), key("/search?q=owl"));
        assert_eq!(key("/apps/owl-piano?reviews=2&fbclid=z"), key("/apps/owl-piano?reviews=2"));
        assert_ne!(key("/apps/owl-piano?reviews=2"), key("/apps/owl-piano"));
        assert_ne!(cache_key("br", None, &"/".parse().unwrap()), cache_key("gzip", None, &"/".parse().unwrap()));
        let on = |origin: &str| cache_key("br", Some(origin), &"/apps?age=5-7".parse().unwrap());
        assert_ne!(on("http://localhost:3000"), on("http://evil.example"), "a page per origin its links name");
        assert_eq!(on("http://localhost:3000"), on("http://localhost:3000"));
    }

    #[test]
    fn encoding_prefers_br_then_gzip_and_honours_q_zero() {
        let negotiate = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
            negotiate_encoding(&headers)
        };
        assert_eq!(negotiate("gzip, deflate, br"), "br");
        assert_eq!(negotiate("gzip"), "gzip");
        assert_eq!(negotiate("br;q=0, gzip;q=0.5"), "gzip");
        assert_eq!(negotiate("identity"), "identity");
        assert_eq!(negotiate_encoding(&HeaderMap::new()), "identity");
    }

    #[test]
    fn session_cookie_or_credentials_make_a_request_personal() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("theme=dark"));
        assert!(!is_personal(&headers));
        headers.insert(header::COOKIE, HeaderValue::from_static("theme=dark; famigo_session=abc"));
        assert!(is_personal(&headers));
        for spaced in ["famigo_session =abc", " famigo_session= abc", "theme=dark;famigo_session\t=abc"] {
            headers.insert(header::COOKIE, HeaderValue::from_str(spaced).unwrap());
            assert!(is_personal(&headers), "{spaced:?} is read as the session cookie, so it is personal too");
        }
        headers.insert(header::COOKIE, HeaderValue::from_static("famigo_sessionx=abc; xfamigo_session=abc"));
        assert!(!is_personal(&headers));
    }

    #[test]
    fn etags_match_lists_and_weak_forms() {
        let etag = etag_of(b"page");
        assert!(etag_matches(&HeaderValue::from_str(&etag).unwrap(), &etag));
        assert!(etag_matches(&HeaderValue::from_str(&format!("\"x\", W/{etag}")).unwrap(), &etag));
        assert!(!etag_matches(&HeaderValue::from_static("\"other\""), &etag));
    }
}
