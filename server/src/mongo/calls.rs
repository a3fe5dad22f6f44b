//! Every MongoDB call's timeout, and what the driver's errors mean to a port; the URL helpers
//! that keep credentials out of messages.

use app::ports::BackendError;
use mongodb::error::{ErrorKind, WriteFailure};
use std::time::Duration;

/// Longest a read may take before the request gets a "store unavailable" answer.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest one batch write may take.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(60);

/// What a driver error means to every MongoDB port (each port error converts from it): no
/// server, a broken connection or a timeout is "unavailable" (worth retrying later), anything
/// else a backend error.
pub(crate) fn db_err(e: mongodb::error::Error) -> BackendError {
    match *e.kind {
        ErrorKind::ServerSelection { .. }
        | ErrorKind::Io(_)
        | ErrorKind::ConnectionPoolCleared { .. }
        | ErrorKind::DnsResolve { .. } => BackendError::unavailable(e),
        _ => BackendError::other(e),
    }
}

pub(crate) fn is_duplicate_key(e: &mongodb::error::Error) -> bool {
    matches!(&*e.kind, ErrorKind::Write(WriteFailure::WriteError(w)) if w.code == 11000)
}

pub(crate) async fn timed<T>(
    limit: Duration,
    work: impl std::future::IntoFuture<Output = Result<T, mongodb::error::Error>>,
) -> Result<T, BackendError> {
    match tokio::time::timeout(limit, work.into_future()).await {
        Ok(result) => result.map_err(db_err),
        Err(_) => Err(BackendError::unavailable(format!("MongoDB did not answer within {} s", limit.as_secs()))),
    }
}

/// The hosts of a MongoDB URL, for logs and messages: never the user name or password.
pub fn host_of(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?']).next().unwrap_or("");
    authority.rsplit_once('@').map_or(authority, |(_, hosts)| hosts).to_string()
}

/// `message` with the password of `url` (if it has one) blanked out.
pub fn redact(url: &str, message: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?']).next().unwrap_or("");
    match authority.rsplit_once('@').and_then(|(user_info, _)| user_info.split_once(':')) {
        Some((_, password)) if !password.is_empty() => message.replace(password, "***"),
        _ => message.to_string(),
    }
}
