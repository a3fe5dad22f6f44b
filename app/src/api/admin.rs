//! Administrators: a signed-in account with the `admin` role (`famigo createadmin` makes the
//! first), or, for automation, whoever knows `ADMIN_TOKEN`: a correct token marks the
//! browser's session (HttpOnly, SameSite=Lax cookie) with a hash of the token, so a new token
//! ends the sessions of the old one. Every admin server function checks one or the other.

#[cfg(feature = "ssr")]
use super::auth::{require_admin, session, session_failed, ADMIN_KEY};
use super::ApiError;
use leptos::prelude::*;

/// Signs this browser in as administrator; a plain form post without JavaScript works too
/// (it is redirected to `/admin/jobs`).
#[server]
pub async fn admin_sign_in(token: String) -> Result<(), ApiError> {
    let state = super::state()?;
    let session = session().await?;
    let client = super::auth::client_ip();
    let key = format!("admin:ip:{}", super::auth::client_network());
    super::auth::reserve_attempt(&state, &[(&key, &super::auth::ADMIN_SIGN_IN_PER_IP)]).await.inspect_err(|_| {
        tracing::warn!(%client, "admin sign-in refused: too many wrong tokens from this address");
    })?;
    if !state.admin_token.matches(token.trim()) {
        tracing::warn!(%client, "admin sign-in with a wrong token");
        return Err(ApiError::Unauthorized);
    }
    super::auth::forget(&state, &key).await;
    // A new session id at sign-in: an id planted before it (session fixation) is worthless.
    session.cycle_id().await.map_err(session_failed)?;
    session.insert(ADMIN_KEY, state.admin_token.session_mark()).await.map_err(session_failed)?;
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

/// The newest mail in the outbox (alerts, digests), for `/admin/mail`.
#[server(input = leptos::server_fn::codec::Json)]
pub async fn admin_outbox() -> Result<Vec<crate::domain::Mail>, ApiError> {
    require_admin().await?;
    let state = super::state()?;
    let mails = state.outbox.recent(100).await.map_err(|e| {
        tracing::error!("mail outbox failed: {}", crate::ports::Causes(&e));
        ApiError::Unavailable
    })?;
    // An administrator sees that a reset or digest went out, never a link that acts for a parent.
    Ok(mails.into_iter().map(|m| crate::domain::Mail { body: crate::domain::hide_link_tokens(&m.body), ..m }).collect())
}
