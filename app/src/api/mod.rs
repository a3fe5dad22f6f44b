//! Server functions: the only way pages reach data. One file per resource.

pub mod catalog;
mod error;

pub use error::ApiError;

/// The shared state, from the Leptos context that `leptos_routes` fills for every request.
#[cfg(feature = "ssr")]
pub(crate) fn state() -> Result<crate::ports::AppState, ApiError> {
    leptos::prelude::use_context::<crate::ports::AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        ApiError::Unavailable
    })
}
