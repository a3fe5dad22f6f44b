//! Administrator sign-in. Until accounts exist, the administrator is whoever knows
//! `ADMIN_TOKEN`; a correct token marks the browser's session (HttpOnly, SameSite=Lax cookie)
//! as admin, and every admin server function checks that mark.

use super::ApiError;
use leptos::prelude::*;

/// The session key that marks an administrator's session.
#[cfg(feature = "ssr")]
pub const ADMIN_KEY: &str = "admin";

/// Whether this session belongs to a signed-in administrator (for plain axum handlers).
#[cfg(feature = "ssr")]
pub async fn session_is_admin(session: &tower_sessions::Session) -> bool {
    matches!(session.get::<bool>(ADMIN_KEY).await, Ok(Some(true)))
}

/// Signs this browser in as administrator; a plain form post without JavaScript works too
/// (it is redirected to `/admin/jobs`).
#[server]
pub async fn admin_sign_in(token: String) -> Result<(), ApiError> {
    let state = super::state()?;
    let session = session().await?;
    if !state.admin_token.matches(token.trim()) {
        tracing::warn!("admin sign-in with a wrong token");
        return Err(ApiError::Unauthorized);
    }
    // A new session id at sign-in: an id planted before it (session fixation) is worthless.
    session.cycle_id().await.map_err(session_failed)?;
    session.insert(ADMIN_KEY, true).await.map_err(session_failed)?;
    leptos_axum::redirect("/admin/jobs");
    Ok(())
}

#[server]
pub async fn admin_sign_out() -> Result<(), ApiError> {
    session().await?.flush().await.map_err(session_failed)?;
    leptos_axum::redirect("/admin");
    Ok(())
}

/// Whether this browser is signed in as administrator.
#[server]
pub async fn is_admin() -> Result<bool, ApiError> {
    Ok(require_admin().await.is_ok())
}

/// Fails with `Unauthorized` unless the request's session is an administrator's.
#[cfg(feature = "ssr")]
pub(crate) async fn require_admin() -> Result<(), ApiError> {
    let session = session().await?;
    match session.get::<bool>(ADMIN_KEY).await {
        Ok(Some(true)) => Ok(()),
        Ok(_) => Err(ApiError::Unauthorized),
        Err(e) => Err(session_failed(e)),
    }
}

#[cfg(feature = "ssr")]
async fn session() -> Result<tower_sessions::Session, ApiError> {
    leptos_axum::extract::<tower_sessions::Session>().await.map_err(|e| {
        tracing::error!("no session layer: {e}");
        ApiError::Unavailable
    })
}

#[cfg(feature = "ssr")]
fn session_failed(e: tower_sessions::session::Error) -> ApiError {
    tracing::error!("session store failed: {e}");
    ApiError::Unavailable
}

/// The newest mail in the outbox (alerts, digests), for `/admin/mail`.
#[server(input = leptos::server_fn::codec::Json)]
pub async fn admin_outbox() -> Result<Vec<crate::domain::Mail>, ApiError> {
    require_admin().await?;
    let state = super::state()?;
    state.outbox.recent(100).await.map_err(|e| {
        tracing::error!("mail outbox failed: {e}");
        ApiError::Unavailable
    })
}
