//! The HTTP surface: Leptos pages and server functions, health, static files, middleware.

mod client_ip;
mod legacy_redirect;
pub mod media;
pub mod page_cache;
mod request_id;
mod request_origin;
mod same_origin;
mod security_headers;
pub mod seo;
mod server_fn_status;
pub mod sessions;
mod static_files;
mod uploads;
pub mod view_counter;

use crate::config::WebConfig;
use crate::ops::health::{self, Lifecycle};
use crate::ops::metrics;
use app::ports::AppState;
use app::{shell, App};
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sessions::SessionBackend;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use view_counter::ViewTally;

/// Everything the router is built from (`wiring::Backends::into_site` makes it).
#[derive(Clone)]
pub struct Site {
    pub state: AppState,
    pub sessions: SessionBackend,
    /// False with `PAGE_CACHE=off`: the router leaves the page cache out.
    pub page_cache_enabled: bool,
    pub lifecycle: Arc<Lifecycle>,
    /// App page views counted on this node, flushed to `state.trends`.
    pub views: ViewTally,
}

/// The largest request body outside uploads: a review or an app form is a few KB.
pub const MAX_FORM_BYTES: usize = 64 * 1024;

pub fn router(site: Site, web: &WebConfig) -> Router {
    let Site { state, sessions, page_cache_enabled, lifecycle, views } = site;
    metrics::handle();
    let cache = page_cache::PageCacheLayer::new(state.page_cache.clone(), state.page_cache_stats.clone());
    let trusted_origins = same_origin::TrustedOrigins(std::sync::Arc::new(web.canonical_url.iter().cloned().collect()));
    let trusted = client_ip::TrustedProxies(web.trusted_proxies.as_deref().map(Into::into));
    let secure_cookies = web.canonical_url.as_deref().is_some_and(|url| url.starts_with("https://"));
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .route("/robots.txt", get(seo::robots))
        .route("/sitemap.xml", get(seo::sitemap))
        .route("/sitemaps/{file}", get(seo::sitemap_part))
        .route("/feeds/new.atom", get(seo::feed_new))
        .route("/feeds/ages/{file}", get(seo::feed_age))
        .route("/apps/{slug}/icon.svg", get(seo::app_icon))
        .route("/media/{name}", get(media::serve_image))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        // Every route so far (pages, server functions, feeds): a form-sized body, and a bound
        // on the whole request so a client that stalls mid-body is cut off.
        .layer(tower::ServiceBuilder::new().layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_FORM_BYTES)).layer(
            tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, web.request_timeout),
        ))
        .route(
            "/admin/uploads",
            axum::routing::post(uploads::upload_catalog).layer::<_, std::convert::Infallible>(
                tower::ServiceBuilder::new()
                    .layer(axum::extract::DefaultBodyLimit::max(uploads::MAX_UPLOAD_BYTES))
                    .layer(axum::Extension(uploads::UploadDir(web.upload_dir.clone()))),
            ),
        )
        .route(
            "/admin/apps/{slug}/images",
            axum::routing::post(media::change_images)
                .layer(axum::extract::DefaultBodyLimit::max(media::MAX_IMAGE_REQUEST_BYTES)),
        )
        // Files from the built site (precompressed br/gzip when accepted), else the 404 page.
        .fallback(
            leptos_axum::file_and_error_handler::<app::ports::AppState, _>(shell)
                .layer(from_fn(static_files::cache_headers)),
        )
        .layer(axum::Extension(lifecycle))
        .layer(axum::Extension(seo::SeoConfig {
            canonical_url: web.canonical_url.clone(),
            sitemap_limit: web.sitemap_limit,
        }))
        .layer(from_fn(server_fn_status::status_from_api_error))
        .layer(sessions.layer(secure_cookies))
        .layer(from_fn_with_state(trusted.clone(), client_ip::attach_client_ip))
        .layer(from_fn_with_state(trusted_origins, same_origin::reject_cross_site))
        .layer(CompressionLayer::new());
    let router = if page_cache_enabled {
        router.layer(from_fn_with_state(cache, page_cache::serve_cached))
    } else {
        router.layer(axum::middleware::map_response(|mut response: axum::response::Response| async move {
            response.headers_mut().remove(app::ports::CACHE_TAGS_HEADER);
            response
        }))
    };
    // Outside the cache, which keys on the origin it finds.
    let origin = request_origin::OriginConfig { canonical: web.canonical_url.as_deref().map(Into::into), trusted };
    let router = router.layer(from_fn_with_state(origin, request_origin::attach_origin));
    // Outside the cache, so hits are counted; per route, so the route pattern is known.
    let router = router
        .layer(from_fn(metrics::track_requests))
        .layer(from_fn_with_state(views, view_counter::count_app_views))
        .with_state(state);
    let router = match &web.canonical_url {
        Some(canonical) if !web.legacy_hosts.is_empty() => {
            let legacy = legacy_redirect::LegacyHosts {
                hosts: web.legacy_hosts.clone().into(),
                canonical_url: canonical.as_str().into(),
            };
            router.layer(from_fn_with_state(legacy, legacy_redirect::redirect_legacy_hosts))
        }
        _ => router,
    };
    let node = axum::http::HeaderValue::from_str(&web.node_name)
        .unwrap_or_else(|_| axum::http::HeaderValue::from_static("famigo"));
    let https = web.canonical_url.as_deref().is_some_and(|url| url.starts_with("https://"));
    security_headers::apply(request_id::apply(router), https).layer(
        tower_http::set_header::SetResponseHeaderLayer::overriding(
            axum::http::HeaderName::from_static("x-famigo-node"),
            node,
        ),
    )
}
