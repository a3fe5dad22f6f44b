//! Server functions: the only way pages reach data. One file per resource.

pub mod accounts;
pub mod admin;
pub mod admin_apps;
#[cfg(feature = "ssr")]
pub mod auth;
pub mod catalog;
pub mod digest;
mod error;
pub mod favorites;
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod password;
pub mod picks;
pub mod reviews;
pub mod search;

pub use error::ApiError;

/// The shared state, from the Leptos context that `leptos_routes` fills for every request.
#[cfg(feature = "ssr")]
pub(crate) fn state() -> Result<crate::ports::AppState, ApiError> {
    leptos::prelude::use_context::<crate::ports::AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        ApiError::Unavailable
    })
}

/// Tells the page cache what the page being rendered shows (see `ports::cache_tags`); a page
/// that declares nothing is never cached. Outside a page render (a server-function call from
/// the browser) there is no page, and nothing happens.
#[cfg(feature = "ssr")]
pub(crate) fn declare_cache_tags(tags: impl IntoIterator<Item = String>) {
    use leptos::prelude::use_context;
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else { return };
    let tags: Vec<String> = tags.into_iter().collect();
    if let Ok(value) = http::HeaderValue::from_str(&tags.join(" ")) {
        response.append_header(http::HeaderName::from_static(crate::ports::CACHE_TAGS_HEADER), value);
    }
}

/// This year, for children's ages (UTC).
#[cfg(feature = "ssr")]
pub(crate) fn this_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().year()
}
