//! Who is asking, under every server function: the session and the user it is signed in as,
//! `require_user` / `require_admin`, the session keys, and the throttles that guard sign-in and
//! other writes (`ports::Throttle`). Server-only.

use super::{state, ApiError};
use crate::domain::User;
use crate::ports::{AppState, ClientIp, ThrottlePolicy, UserRecord};
use std::time::Duration;

/// This request's session (the layer is on every route).
pub(crate) async fn session() -> Result<tower_sessions::Session, ApiError> {
    leptos_axum::extract::<tower_sessions::Session>().await.map_err(|e| {
        tracing::error!("no session layer: {}", crate::ports::Causes(&e));
        ApiError::Unavailable
    })
}

pub(crate) fn session_failed(e: tower_sessions::session::Error) -> ApiError {
    tracing::error!("session store failed: {}", crate::ports::Causes(&e));
    ApiError::Unavailable
}

/// The session key of a signed-in parent.
pub const ACCOUNT_KEY: &str = "account";

#[derive(serde::Serialize, serde::Deserialize)]
struct SignedIn {
    user_id: String,
    stamp: String,
}

const MINUTE: Duration = Duration::from_secs(60);
/// A family behind one address may mistype a few times; a guesser gets a second, doubling.
pub const SIGN_IN_PER_IP: ThrottlePolicy = ThrottlePolicy {
    free: 20,
    window: Duration::from_secs(15 * 60),
    base: Duration::from_secs(1),
    max: Duration::from_secs(15 * 60),
};
pub const SIGN_IN_PER_ACCOUNT: ThrottlePolicy = ThrottlePolicy {
    free: 5,
    window: Duration::from_secs(15 * 60),
    base: Duration::from_secs(2),
    max: Duration::from_secs(15 * 60),
};
/// Administrators are few and type a pasted token: five tries, then a wait that doubles to an hour.
pub const ADMIN_SIGN_IN_PER_IP: ThrottlePolicy = ThrottlePolicy {
    free: 5,
    window: Duration::from_secs(15 * 60),
    base: Duration::from_secs(2),
    max: Duration::from_secs(3600),
};
pub const SIGN_UP_PER_IP: ThrottlePolicy =
    ThrottlePolicy { free: 5, window: Duration::from_secs(3600), base: MINUTE, max: Duration::from_secs(3600) };
/// The client's address as the server's middleware worked it out (see `http::client_ip`).
fn client() -> Option<ClientIp> {
    leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<ClientIp>().copied())
}

/// The client's address, for logs.
pub fn client_ip() -> String {
    client().map_or_else(|| "unknown".to_string(), |ip| ip.0.to_string())
}

/// The client as per-address throttles count it (`ClientIp::network`: an IPv6 /64 is one).
pub fn client_network() -> String {
    client().map_or_else(|| "unknown".to_string(), |ip| ip.network())
}

/// Refuses with the longest wait among `keys`; a throttle that cannot answer lets the
/// attempt through (it is logged): sign-in must not depend on it.
pub async fn check_throttle(state: &AppState, keys: &[String]) -> Result<(), ApiError> {
    let mut longest = Duration::ZERO;
    for key in keys {
        match state.throttle.wait(key).await {
            Ok(Some(wait)) => longest = longest.max(wait),
            Ok(None) => {}
            Err(e) => tracing::warn!("throttle: {}", crate::ports::Causes(&e)),
        }
    }
    refuse_for(longest)
}

fn refuse_for(wait: Duration) -> Result<(), ApiError> {
    if wait.is_zero() {
        return Ok(());
    }
    tracing::info!(client = %client_ip(), seconds = wait.as_secs(), "attempt throttled");
    Err(ApiError::TooManyAttempts { retry_after_secs: wait.as_secs_f64().ceil() as u64 })
}

/// Guards a secret check (a password, the admin token): refuses while a key waits, then counts
/// this attempt against every key *before* the check, so a burst of parallel attempts cannot
/// all pass a throttle that no failure has reached yet; refuses the attempts past the free
/// budget. A right answer then `forget`s the key it proves (the account) and `forgive`s the
/// others (the address). A throttle that cannot answer lets the attempt through (it is logged).
pub async fn reserve_attempt(state: &AppState, keys: &[(&str, &ThrottlePolicy)]) -> Result<(), ApiError> {
    let names: Vec<String> = keys.iter().map(|(key, _)| key.to_string()).collect();
    check_throttle(state, &names).await?;
    let mut longest = Duration::ZERO;
    for (key, policy) in keys {
        match state.throttle.fail(key, policy).await {
            Ok(Some(wait)) => longest = longest.max(wait),
            Ok(None) => {}
            Err(e) => tracing::warn!("throttle: {}", crate::ports::Causes(&e)),
        }
    }
    refuse_for(longest)
}

/// Forgets `key`'s attempts (the right password for the account).
pub async fn forget(state: &AppState, key: &str) {
    if let Err(e) = state.throttle.clear(key).await {
        tracing::warn!("throttle: {}", crate::ports::Causes(&e));
    }
}

/// Takes back the one attempt this request counted against `key` (the address of a right
/// password: a school or a family behind one address signs in many times).
pub async fn forgive(state: &AppState, key: &str) {
    if let Err(e) = state.throttle.forgive(key).await {
        tracing::warn!("throttle: {}", crate::ports::Causes(&e));
    }
}

pub async fn count_failure(state: &AppState, key: &str, policy: &ThrottlePolicy) {
    if let Err(e) = state.throttle.fail(key, policy).await {
        tracing::warn!("throttle: {}", crate::ports::Causes(&e));
    }
}

/// The account with this email if `password` is its password. Takes the time of one
/// hash either way.
pub async fn verified_user(state: &AppState, email: &str, password: String) -> Result<Option<UserRecord>, ApiError> {
    if password.chars().count() > crate::domain::MAX_PASSWORD_CHARS {
        return Ok(None);
    }
    let record = state.accounts.user_by_email(email).await?;
    let hash = record.as_ref().map(|r| r.password_hash.clone());
    let matches = super::password::verify(password, hash).await.map_err(hashing_failed)?;
    Ok(record.filter(|_| matches))
}

pub fn hashing_failed(e: String) -> ApiError {
    tracing::error!("password hashing failed: {e}");
    ApiError::Unavailable
}

/// Signs this browser in as `record`'s user, under a new session id (an id planted
/// before sign-in is worthless after it).
pub async fn start_session(record: &UserRecord) -> Result<(), ApiError> {
    let session = session().await?;
    session.cycle_id().await.map_err(session_failed)?;
    let signed_in = SignedIn { user_id: record.user.id.clone(), stamp: record.session_stamp.clone() };
    session.insert(ACCOUNT_KEY, signed_in).await.map_err(session_failed)
}

/// The user this session is signed in as, if the account still exists and its password
/// has not changed since.
pub async fn signed_in_user() -> Result<Option<User>, ApiError> {
    user_of_session(&session().await?, &*state()?.accounts).await
}

/// `signed_in_user` for a given session (plain axum handlers have no Leptos context).
pub async fn user_of_session(
    session: &tower_sessions::Session,
    accounts: &dyn crate::ports::Accounts,
) -> Result<Option<User>, ApiError> {
    let Some(signed_in) = session.get::<SignedIn>(ACCOUNT_KEY).await.map_err(session_failed)? else {
        return Ok(None);
    };
    match accounts.user(&signed_in.user_id).await? {
        Some(record) if record.session_stamp == signed_in.stamp => Ok(Some(record.user)),
        _ => {
            session.remove_value(ACCOUNT_KEY).await.map_err(session_failed)?;
            Ok(None)
        }
    }
}

pub async fn require_user() -> Result<User, ApiError> {
    signed_in_user().await?.ok_or(ApiError::SignInRequired)
}

/// `next` if it is a path on this site, else `/account`: one `/` then visible ASCII only (no
/// second `/` or `\\` that a browser would read as another host, no space or control character
/// that it would strip first, nothing a `Location` header cannot carry).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if is_local_path(path) => path.to_string(),
        _ => "/account".to_string(),
    }
}

fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !matches!(path.as_bytes().get(1), Some(b'/' | b'\\'))
        && path.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
        && path.parse::<http::uri::PathAndQuery>().is_ok()
}

/// The session key that marks an administrator's session: `AdminToken::session_mark` of the
/// token it signed in with.
pub const ADMIN_KEY: &str = "admin";

/// Passes for an administrator's session, by the current token or by role; else `Forbidden`
/// for a signed-in parent and `Unauthorized` for anyone else. (For plain axum handlers,
/// outside a server function; server functions call `require_admin`.)
pub async fn check_admin(session: &tower_sessions::Session, state: &crate::ports::AppState) -> Result<(), ApiError> {
    // Any other value (a mark of an earlier token, or what older releases stored) is no mark.
    let mark = session.get_value(ADMIN_KEY).await.map_err(session_failed)?;
    if mark.as_ref().and_then(|mark| mark.as_str()).is_some_and(|mark| state.admin_token.marked(mark)) {
        return Ok(());
    }
    match user_of_session(session, &*state.accounts).await? {
        Some(user) if user.is_admin() => Ok(()),
        Some(_) => Err(ApiError::Forbidden),
        None => Err(ApiError::Unauthorized),
    }
}

/// Passes for an administrator (`check_admin` on this request's session).
pub async fn require_admin() -> Result<(), ApiError> {
    check_admin(&session().await?, &state()?).await
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_a_path_on_this_site_or_the_account_page() {
        for good in ["/account", "/apps?age=5-7&platform=ios", "/apps/toca-life#reviews", "/a%20b", "/.well-known"] {
            assert_eq!(safe_next(Some(good)), good);
        }
        for hostile in [
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "/\u{1}",
            "/\u{0}x",
            "/\u{7f}",
            "/x\u{2028}",
            "/caf\u{e9}",
            "https://evil.example",
            "evil.example",
            "",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/account", "{hostile:?}");
        }
        assert_eq!(safe_next(None), "/account");
    }
}
