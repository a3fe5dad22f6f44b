//! Parents' accounts: sign up, sign in and out, the account page (children, password,
//! deletion). A signed-in browser's session holds the user id and the account's session
//! stamp; a new password changes the stamp, which signs every other browser out. Sign-in and
//! sign-up are throttled per client address and per account (`ports::Throttle`).

#[cfg(feature = "ssr")]
use super::auth;
use super::ApiError;
use crate::domain::{Kid, KidForm, PasswordForm, SignUpForm, User};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the account page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountOverview {
    pub user: User,
    pub kids: Vec<Kid>,
    /// The current year, for the children's ages.
    pub year: i32,
}

/// Creates an account and signs this browser in to it; goes on to `next` (a path on this
/// site) or `/account`.
#[server(endpoint = "sign_up")]
pub async fn sign_up(form: SignUpForm, next: Option<String>) -> Result<(), ApiError> {
    let state = super::state()?;
    let ip_key = format!("signup:ip:{}", auth::client_network());
    auth::check_throttle(&state, std::slice::from_ref(&ip_key)).await?;
    let values =
        vec![("email".to_string(), form.email.clone()), ("display_name".to_string(), form.display_name.clone())];
    let account = form.validate().map_err(|errors| ApiError::InvalidForm { errors, values: values.clone() })?;
    // Every valid attempt counts, created or not: an address may make a few accounts an hour.
    auth::count_failure(&state, &ip_key, &auth::SIGN_UP_PER_IP).await;
    let password_hash = super::password::hash(account.password).await.map_err(auth::hashing_failed)?;
    let new = crate::ports::NewUser {
        email: account.email,
        display_name: account.display_name,
        password_hash,
        role: crate::domain::Role::Parent,
    };
    let user = match state.accounts.create_user(&new).await {
        Ok(user) => user,
        Err(crate::ports::AccountError::EmailTaken) => {
            let taken = crate::domain::FieldError {
                field: "email".into(),
                message: "an account with this email exists: sign in instead".into(),
            };
            return Err(ApiError::InvalidForm { errors: vec![taken], values });
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(user = %user.id, "account created");
    let record = state.accounts.user(&user.id).await?.ok_or(ApiError::Unavailable)?;
    auth::start_session(&record).await?;
    leptos_axum::redirect(&auth::safe_next(next.as_deref()));
    Ok(())
}

#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), ApiError> {
    let state = super::state()?;
    let email = crate::domain::normalize_email(&email)
        .unwrap_or_else(|_| email.trim().to_lowercase().chars().take(254).collect());
    let (ip_key, account_key) = (format!("signin:ip:{}", auth::client_network()), format!("signin:account:{email}"));
    auth::reserve_attempt(&state, &[(&ip_key, &auth::SIGN_IN_PER_IP), (&account_key, &auth::SIGN_IN_PER_ACCOUNT)])
        .await?;
    let record = auth::verified_user(&state, &email, password).await?;
    let Some(record) = record else {
        tracing::info!(client = %auth::client_ip(), "sign-in refused: wrong email or password");
        return Err(ApiError::SignInFailed);
    };
    auth::forget(&state, &account_key).await;
    auth::forgive(&state, &ip_key).await;
    auth::start_session(&record).await?;
    leptos_axum::redirect(&auth::safe_next(next.as_deref()));
    Ok(())
}

/// Signs this browser out (of the admin token's session too).
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), ApiError> {
    auth::session().await?.flush().await.map_err(auth::session_failed)?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Who is looking at the page: the signed-in parent and their favorite apps (to draw the
/// hearts), or None for a visitor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Viewer {
    pub user: User,
    pub favorites: Vec<String>,
}

impl Viewer {
    pub fn likes(&self, slug: &str) -> bool {
        self.favorites.iter().any(|f| f == slug)
    }
}

#[server]
pub async fn current_viewer() -> Result<Option<Viewer>, ApiError> {
    let Some(user) = auth::signed_in_user().await? else { return Ok(None) };
    let favorites = super::state()?.accounts.favorites(&user.id).await?;
    Ok(Some(Viewer { user, favorites }))
}

/// The viewer of the current page, asked again at every navigation (so it follows a sign-in)
/// and after the header's sign-out (which may come back to the same page); provided by the
/// app's frame to the header, every heart and the reviews.
#[derive(Clone, Copy)]
pub struct ViewerResource(pub Resource<Result<Option<Viewer>, ApiError>>, pub ServerAction<SignOut>);

impl ViewerResource {
    /// Creates the resource and puts it into context (inside the router).
    pub fn provide() -> ViewerResource {
        let location = leptos_router::hooks::use_location();
        let sign_out = ServerAction::<SignOut>::new();
        let viewer = ViewerResource(
            Resource::new(move || (location.pathname.get(), sign_out.version().get()), |_| current_viewer()),
            sign_out,
        );
        provide_context(viewer);
        viewer
    }

    pub fn from_context() -> Option<ViewerResource> {
        use_context::<ViewerResource>()
    }
}

#[server]
pub async fn my_account() -> Result<AccountOverview, ApiError> {
    let user = auth::require_user().await?;
    let kids = super::state()?.accounts.kids(&user.id).await?;
    Ok(AccountOverview { user, kids, year: super::this_year() })
}

#[server]
pub async fn add_kid(form: KidForm) -> Result<Kid, ApiError> {
    let user = auth::require_user().await?;
    let values = vec![("nickname".to_string(), form.nickname.clone()), ("age".to_string(), form.age.clone())];
    let kid =
        form.validate(super::this_year()).map_err(|errors| ApiError::InvalidForm { errors, values: values.clone() })?;
    match super::state()?.accounts.add_kid(&user.id, &kid).await {
        Ok(Some(kid)) => Ok(kid),
        Ok(None) => Err(ApiError::SignInRequired),
        Err(crate::ports::AccountError::TooManyKids(most)) => {
            let error = crate::domain::FieldError {
                field: "age".into(),
                message: format!("an account has at most {most} children"),
            };
            Err(ApiError::InvalidForm { errors: vec![error], values })
        }
        Err(e) => Err(e.into()),
    }
}

#[server]
pub async fn remove_kid(id: String) -> Result<(), ApiError> {
    let user = auth::require_user().await?;
    if super::state()?.accounts.remove_kid(&user.id, &id).await? {
        Ok(())
    } else {
        Err(ApiError::NotFound("child".into()))
    }
}

/// A new password, given the current one; every other browser signed in to the account is
/// signed out (this one stays in).
#[server]
pub async fn change_password(form: PasswordForm) -> Result<(), ApiError> {
    let user = auth::require_user().await?;
    let state = super::state()?;
    crate::domain::check_password(&form.new).map_err(|message| ApiError::field("new", message))?;
    let account_key = format!("signin:account:{}", user.email);
    auth::reserve_attempt(&state, &[(&account_key, &auth::SIGN_IN_PER_ACCOUNT)]).await?;
    let record = auth::verified_user(&state, &user.email, form.current).await?;
    let Some(record) = record else {
        return Err(ApiError::field("current", "this is not your current password"));
    };
    auth::forget(&state, &account_key).await;
    let hash = super::password::hash(form.new).await.map_err(auth::hashing_failed)?;
    state.accounts.set_password(&record.user.id, &hash).await?;
    let record = state.accounts.user(&record.user.id).await?.ok_or(ApiError::SignInRequired)?;
    auth::start_session(&record).await?;
    tracing::info!(user = %record.user.id, "password changed");
    Ok(())
}

/// Deletes the account and everything that is its own, given the password; signs out.
#[server]
pub async fn delete_account(password: String) -> Result<(), ApiError> {
    let user = auth::require_user().await?;
    let state = super::state()?;
    let account_key = format!("signin:account:{}", user.email);
    auth::reserve_attempt(&state, &[(&account_key, &auth::SIGN_IN_PER_ACCOUNT)]).await?;
    if auth::verified_user(&state, &user.email, password).await?.is_none() {
        return Err(ApiError::field("password", "this is not your password"));
    }
    // Reviews first: a deletion failing part-way leaves an account that can be deleted again.
    state.reviews.delete_user_reviews(&user.id).await?;
    state.accounts.delete_user(&user.id).await?;
    auth::session().await?.flush().await.map_err(auth::session_failed)?;
    tracing::info!(user = %user.id, "account deleted");
    leptos_axum::redirect("/?account=deleted");
    Ok(())
}

/// Sends a single-use link to set a new password, valid for an hour, if an account has this
/// email; the same answer either way. Goes on to `/reset-password?sent=1`.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), ApiError> {
    let state = super::state()?;
    let email = crate::domain::normalize_email(&email).map_err(|message| ApiError::field("email", message))?;
    let keys = [format!("reset:ip:{}", auth::client_network()), format!("reset:account:{email}")];
    auth::check_throttle(&state, &keys).await?;
    auth::count_failure(&state, &keys[0], &auth::SIGN_UP_PER_IP).await;
    auth::count_failure(&state, &keys[1], &ssr::RESETS_PER_ACCOUNT).await;
    if let Some(record) = state.accounts.user_by_email(&email).await? {
        ssr::send_reset_link(&state, &record.user).await?;
    }
    leptos_axum::redirect("/reset-password?sent=1");
    Ok(())
}

/// Sets a new password with a link's token; signs every browser out of the account, then this
/// one in.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), ApiError> {
    let state = super::state()?;
    crate::domain::check_password(&password).map_err(|message| ApiError::field("password", message))?;
    let now = chrono::Utc::now().timestamp_millis();
    let Some(user_id) = state.accounts.take_reset_token(&ssr::token_hash(token.trim()), now).await? else {
        return Err(ApiError::field("token", "this link has expired or was used already: ask for a new one"));
    };
    let hash = super::password::hash(password).await.map_err(auth::hashing_failed)?;
    if !state.accounts.set_password(&user_id, &hash).await? {
        return Err(ApiError::field("token", "this account no longer exists"));
    }
    let record = state.accounts.user(&user_id).await?.ok_or(ApiError::SignInRequired)?;
    auth::start_session(&record).await?;
    tracing::info!(user = %user_id, "password reset");
    leptos_axum::redirect("/account");
    Ok(())
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::super::ApiError;
    use crate::domain::User;
    use crate::ports::{AppState, ThrottlePolicy};
    use std::time::Duration;

    /// A few reset mails an hour to one address: enough for a lost mail, not a mail bomb.
    pub const RESETS_PER_ACCOUNT: ThrottlePolicy = ThrottlePolicy {
        free: 3,
        window: Duration::from_secs(3600),
        base: Duration::from_secs(10 * 60),
        max: Duration::from_secs(3600),
    };
    pub const RESET_LINK_VALID: Duration = Duration::from_secs(3600);

    /// A reset token as the store keeps it: its SHA-256, hex.
    pub fn token_hash(token: &str) -> String {
        use sha2::Digest;
        sha2::Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Where links in mail point: `CANONICAL_URL`; without it, the request's host only when it
    /// is this machine (`make run`), since a `Host` header is the sender's to choose and a reset
    /// link must never point elsewhere.
    fn link_origin(state: &AppState) -> Option<String> {
        if let Some(url) = &state.canonical_url {
            return Some(url.trim_end_matches('/').to_string());
        }
        let parts = leptos::prelude::use_context::<http::request::Parts>()?;
        let host = parts.headers.get(http::header::HOST)?.to_str().ok()?;
        let name =
            host.rsplit_once(':')
                .map_or(host, |(name, port)| if port.chars().all(|c| c.is_ascii_digit()) { name } else { host });
        matches!(name, "localhost" | "127.0.0.1" | "[::1]").then(|| format!("http://{host}"))
    }

    pub async fn send_reset_link(state: &AppState, user: &User) -> Result<(), ApiError> {
        let Some(origin) = link_origin(state) else {
            tracing::error!("a password reset was asked for, but no mail can say where to go: set CANONICAL_URL");
            return Ok(());
        };
        let token: String = (0..32).map(|_| format!("{:02x}", rand::random::<u8>())).collect();
        let expires_at = chrono::Utc::now().timestamp_millis() + RESET_LINK_VALID.as_millis() as i64;
        let hash = token_hash(&token);
        state.accounts.put_reset_token(&user.id, &hash, expires_at).await?;
        let mail = crate::domain::NewMail {
            key: format!("password-reset:{hash}"),
            to: user.email.clone(),
            subject: "Reset your Famigo password".into(),
            body: format!(
                "Hello {},\n\nSomeone (we hope you) asked to reset the password of your Famigo account.\n\
                 Choose a new one here within the hour:\n\n{origin}/reset-password?token={token}\n\n\
                 The link works once. If you did not ask, ignore this mail: your password stays as it is.\n",
                user.display_name
            ),
        };
        state.outbox.put(&mail).await.map_err(|e| {
            tracing::error!("cannot put a reset mail into the outbox: {}", crate::ports::Causes(&e));
            ApiError::Unavailable
        })?;
        Ok(())
    }
}
