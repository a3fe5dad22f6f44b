//! The HTTP surface: Leptos pages and server functions, health, static files, middleware.

mod health;
mod request_id;
mod server_fn_status;

use app::ports::AppState;
use app::{shell, App};
use axum::routing::get;
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        // Files from the built site (wasm, js, css, favicon), else the app's 404 page.
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(server_fn_status::status_from_api_error))
        .layer(CompressionLayer::new())
        .with_state(state);
    request_id::apply(router)
}
