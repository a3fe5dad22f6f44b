//! The SQLite connection every embedded store uses, and what its errors mean to a port.

use app::ports::BackendError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::time::Duration;

/// What a driver error means to every SQLite port (each port error converts from it):
/// connection trouble is "unavailable" (worth a retry), anything else a backend error.
pub(crate) fn db_err(e: impl Into<sqlx::Error>) -> BackendError {
    match e.into() {
        e @ (sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)) => BackendError::unavailable(e),
        other => BackendError::other(other),
    }
}

/// A pool on one SQLite file of the embedded adapters (created if missing): WAL, so readers
/// never wait for the writer; a 5 s busy timeout, so concurrent writers queue instead of failing.
pub async fn open_pool(file: &Path) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5));
    SqlitePoolOptions::new().max_connections(4).acquire_timeout(Duration::from_secs(5)).connect_with(options).await
}
