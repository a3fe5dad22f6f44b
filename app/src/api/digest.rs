//! The weekly digest, turned on and off: from the account page, or without signing in from
//! the link at the end of each digest (its token proves the mail; see
//! `UserRecord::unsubscribe_token`).

use super::ApiError;
use leptos::prelude::*;

/// Turns the signed-in parent's weekly digest on or off.
#[server]
pub async fn set_digest(on: bool) -> Result<(), ApiError> {
    let user = super::auth::require_user().await?;
    if !super::state()?.accounts.set_digest(&user.id, on).await? {
        return Err(ApiError::SignInRequired);
    }
    tracing::info!(user = %user.id, on, "digest preference set");
    Ok(())
}

/// Stops the weekly digest of the account the link was mailed to; goes on to
/// `/unsubscribe?done=1`. A link that is not (or no longer) valid changes nothing.
#[server(endpoint = "unsubscribe_digest")]
pub async fn unsubscribe_digest(user: String, token: String) -> Result<(), ApiError> {
    let state = super::state()?;
    // Ids are ULIDs; anything much longer is not one and is not looked up.
    let record = if !user.is_empty() && user.len() <= 64 { state.accounts.user(&user).await? } else { None };
    if !record.as_ref().is_some_and(|record| record.unsubscribes_with(&state.secret_key, &token)) {
        return Err(ApiError::field("token", "this link is not valid any more (a new password ends older links): sign in and turn the digest off on your account page"));
    }
    state.accounts.set_digest(&user, false).await?;
    tracing::info!(user = %user, "digest stopped from a mail's link");
    leptos_axum::redirect("/unsubscribe?done=1");
    Ok(())
}
