//! The shared services in Redis (`REDIS_URL`): the page cache with its pub/sub invalidation, the
//! browse index's change feed, the job queue, the mail outbox, sign-in throttles and trends,
//! every key under `REDIS_PREFIX`. Sessions use the same settings (`http::sessions`).
//!
//! Every adapter runs on the `redis` crate (redis-rs) and shares the process's one
//! `SharedRedis`: one `RedisConnection` that reconnects by itself (a multiplexed
//! `ConnectionManager` to one server, redis-rs's cluster connection to a Redis Cluster, or our
//! `SentinelConnection` to the primary Sentinel names), and the way the page cache opens its one
//! subscriber connection. The page cache and the change feed
//! bound each call to 1 s (a page render cannot wait longer) and skip Redis at once while it is
//! known to be down (`Liveness`).

pub mod change_feed;
pub mod outbox;
pub mod page_cache;
pub mod queue;
pub mod sessions;
pub mod throttle;
pub mod trends;

mod connection;
mod sentinel;

use app::ports::BackendError;
pub use connection::{RedisConnection, RedisTarget};
use std::sync::atomic::{AtomicBool, Ordering};
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

/// `host:port` of a Redis URL (the first node's, for a cluster), for messages (never the password).
pub fn redis_host(url: &str) -> String {
    match RedisTarget::parse(url) {
        Ok(target) => target.describe(),
        Err(_) => "an invalid URL".to_string(),
    }
}

/// The process's Redis: opened once, cloned into every adapter.
#[derive(Clone)]
pub struct SharedRedis {
    /// One client per node named in the URL (none for Sentinel): see `subscriber`.
    subscribers: Vec<redis::Client>,
    /// The one connection every command goes through.
    pub connection: RedisConnection,
    /// Whether the last call through `connection` that counts (`Liveness::call`) reached Redis;
    /// one background ping finds out when it is back.
    pub(crate) live: std::sync::Arc<Liveness>,
    /// `host:port` of the first node, for messages.
    pub host: String,
}

impl SharedRedis {
    /// Connects lazily, so a Redis that is down at start only makes calls fail until it is up; it
    /// reconnects by itself after that. Connecting times out after 2 s, a command after 5 s, and
    /// a call made while Redis is down fails after one more attempt (it does not queue up behind
    /// a string of retries). A malformed URL is an error at once.
    pub fn open(url: &str) -> redis::RedisResult<SharedRedis> {
        let target = RedisTarget::parse(url)?;
        let connection = target.connect_lazily()?;
        let live = std::sync::Arc::new(Liveness::default());
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(watch_liveness(std::sync::Arc::downgrade(&live), connection.clone()));
        }
        Ok(SharedRedis { subscribers: target.node_clients()?, connection, live, host: target.describe() })
    }

    /// The client the page cache's subscriber connects with on its `attempt`-th try: the listed
    /// nodes in turn (in a cluster a message published on any node reaches every node), or the
    /// primary the sentinels name now (a replica also gets what is published on its primary, so
    /// a subscriber on a demoted primary goes on hearing).
    pub async fn subscriber(&self, attempt: usize) -> redis::RedisResult<redis::Client> {
        match &self.connection {
            RedisConnection::Sentinel(sentinel) => sentinel.primary_client().await,
            _ => Ok(self.subscribers[attempt % self.subscribers.len()].clone()),
        }
    }
}

/// The connection of a `SharedRedis` of its own (tests, one-off commands).
pub fn redis_connection(url: &str) -> redis::RedisResult<RedisConnection> {
    Ok(SharedRedis::open(url)?.connection)
}

/// A Redis Cluster hash tag: keys holding `{<name>}` all live in one slot, so a script or a
/// transaction may touch any of them. Each adapter whose scripts touch several keys keeps them
/// under one such tag (`{famigo:jobs}`, `{famigo:outbox}`, ...); one server ignores the braces.
pub(crate) fn slot(name: &str) -> String {
    format!("{{{name}}}")
}

/// Runs `script` with an adapter's key prefix as ARGV[1] and `args` after it (the queue's and the
/// outbox's scripts build their keys from the prefix, a `slot` tag). The prefix is also KEYS[1],
/// which is what a cluster routes the script by. Under Sentinel a script that ran is on a replica
/// before this returns (`wait_for_replica`): every queue and outbox transition must survive a
/// failover.
pub(crate) async fn run_with_prefix<R: redis::FromRedisValue>(
    connection: &RedisConnection,
    script: &redis::Script,
    prefix: &str,
    args: Vec<String>,
) -> redis::RedisResult<R> {
    let mut invocation = script.key(prefix);
    invocation.arg(prefix);
    for arg in args {
        invocation.arg(arg);
    }
    let outcome = invocation.invoke_async(&mut connection.clone()).await;
    if outcome.is_ok() {
        connection.wait_for_replica().await;
    }
    outcome
}

/// Pings while Redis is known to be down, so the adapters that skip a dead Redis use it again
/// soon after it is back; ends with the last `SharedRedis` clone.
async fn watch_liveness(live: std::sync::Weak<Liveness>, connection: RedisConnection) {
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    loop {
        tick.tick().await;
        let Some(live) = live.upgrade() else { return };
        if !live.is_up() {
            live.ping(&connection, Duration::from_secs(1)).await;
        }
    }
}

/// Whether the last call reached Redis: while it did not, the page cache and the change feed
/// answer "unavailable" at once instead of each request waiting out a timeout; `SharedRedis`
/// pings in the background to find out when Redis is back.
#[derive(Default)]
pub(crate) struct Liveness(AtomicBool);

impl Liveness {
    pub(crate) fn is_up(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    /// Runs one call bounded by `limit`, and notes whether Redis answered (an error reply from a
    /// live server counts as an answer).
    pub(crate) async fn call<T>(
        &self,
        limit: Duration,
        work: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, BackendError> {
        let outcome = match tokio::time::timeout(limit, work).await {
            Ok(result) => result.map_err(redis_err),
            Err(_) => Err(BackendError::unavailable(format!("redis did not answer within {limit:?}"))),
        };
        self.0.store(!matches!(&outcome, Err(e) if e.is_unavailable()), Ordering::Release);
        outcome
    }

    /// Pings through `connection`; true when Redis answered.
    pub(crate) async fn ping(&self, connection: &RedisConnection, limit: Duration) -> bool {
        let mut connection = connection.clone();
        self.call(limit, async move { redis::cmd("PING").query_async::<String>(&mut connection).await }).await.is_ok()
    }
}
