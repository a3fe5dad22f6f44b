//! The shared services in Redis (`REDIS_URL`): the page cache with its pub/sub invalidation, the
//! browse index's change feed, the job queue, the mail outbox, sign-in throttles and trends,
//! every key under `REDIS_PREFIX`. Sessions use the same settings (`http::sessions`).
//!
//! The throttle and trends run on the `redis` crate (redis-rs): one `ConnectionManager` per
//! process (`redis_connection`), which reconnects by itself. The queue, outbox, page cache,
//! change feed and sessions are still on `fred` (the move of the rest is issue 21): the queue
//! and outbox share one fred client (`redis_client`); the page cache and the change feed keep
//! their own, with the shorter timeouts a page render can afford.

pub mod change_feed;
pub mod outbox;
pub mod page_cache;
pub mod queue;
pub mod throttle;
pub mod trends;

use app::ports::BackendError;
use fred::prelude::*;
use std::time::Duration;

/// What a redis-rs error means to a port (each port error converts from it): a connection
/// that is refused, dropped or timed out is "unavailable", anything else (a script's error, a
/// reply of the wrong type) a backend error.
pub(crate) fn redis_err(e: ::redis::RedisError) -> BackendError {
    if e.is_io_error() || e.is_connection_refusal() || e.is_connection_dropped() || e.is_timeout() {
        BackendError::unavailable(e)
    } else {
        BackendError::other(e)
    }
}

/// A fred error for a port: every failure of the fred adapters counts as "unavailable" (they
/// degrade the same way whatever Redis said).
pub(crate) fn fred_err(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> BackendError {
    BackendError::unavailable(e)
}

/// `host:port` of a Redis URL, for messages (never the password).
pub fn redis_host(url: &str) -> String {
    match fred::types::config::Config::from_url(url) {
        Ok(config) => match config.server.hosts().first() {
            Some(server) => format!("{}:{}", server.host, server.port),
            None => "redis".to_string(),
        },
        Err(_) => "an invalid URL".to_string(),
    }
}

/// The client settings every Redis adapter uses: connect and internal commands time out after
/// `connect`, commands after `command`, and reconnection is retried forever with a backoff up
/// to 2 s.
pub fn redis_builder(url: &str, connect: Duration, command: Duration) -> Result<Builder, fred::error::Error> {
    let mut builder = Builder::from_config(fred::types::config::Config::from_url(url)?);
    builder
        .with_connection_config(|c| {
            c.connection_timeout = connect;
            c.internal_command_timeout = connect;
        })
        .with_performance_config(|p| p.default_command_timeout = command)
        .set_policy(ReconnectPolicy::new_exponential(0, 100, 2_000, 2));
    Ok(builder)
}

/// A connected client for the queue, outbox and trends: commands time out after 5 s; a Redis
/// that is down at start only makes calls fail until it is up (it reconnects by itself).
pub async fn redis_client(url: &str) -> Result<fred::clients::Client, fred::error::Error> {
    let client = redis_builder(url, Duration::from_secs(2), Duration::from_secs(5))?.build()?;
    client.connect();
    let _ = tokio::time::timeout(Duration::from_secs(2), client.wait_for_connect()).await;
    Ok(client)
}

/// The process's redis-rs connection (throttle, trends): made lazily, so a Redis that is down at
/// start only makes calls fail until it is up; it reconnects by itself after that. Connecting
/// times out after 2 s, a command after 5 s. A malformed URL is an error at once.
pub fn redis_connection(url: &str) -> ::redis::RedisResult<::redis::aio::ConnectionManager> {
    let client = ::redis::Client::open(url)?;
    let config = ::redis::aio::ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_response_timeout(Some(Duration::from_secs(5)))
        .set_max_delay(Duration::from_secs(2));
    ::redis::aio::ConnectionManager::new_lazy_with_config(client, config)
}
