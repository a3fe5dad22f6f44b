//! The connection to a primary that Redis Sentinel watches: it asks the sentinels which server
//! is the primary, connects to it, and asks again after that connection fails or the server
//! answers `READONLY` (it was demoted to a replica in a failover). redis-rs's `SentinelClient`
//! finds the primary but does not reconnect (there is no sentinel `ConnectionManager`), so this
//! is that part.
//!
//! Writes that must outlive a failover (queue transitions, mail, sessions, invalidations) call
//! `wait_for_replica` after writing: `WAIT 1`, so the write is on a replica before the caller is
//! told it happened. Redis replicates asynchronously; a write acknowledged by the primary alone
//! is lost if the primary dies before the replica has it.

use redis::aio::{ConnectionLike, MultiplexedConnection};
use redis::sentinel::{SentinelClient, SentinelNodeConnectionInfo, SentinelServerType};
use redis::{
    AsyncConnectionConfig, Cmd, ErrorKind, Pipeline, RedisConnectionInfo, RedisError, RedisFuture, RedisResult,
    ServerErrorKind, Value,
};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a write waits for the replica before going on without it.
const WAIT_FOR_REPLICA: Duration = Duration::from_millis(200);
/// After a write found no replica keeping up, writes stop waiting for this long: `WAIT` holds up
/// every command multiplexed on the connection, so with the replica gone each write would
/// stall the others for `WAIT_FOR_REPLICA`.
const WAIT_AGAIN_AFTER: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct SentinelConnection(Arc<Shared>);

struct Shared {
    /// Held while asking the sentinels, so a failover makes one lookup, not one per caller.
    sentinel: tokio::sync::Mutex<SentinelClient>,
    /// The primary's connection, with a number that tells one connection from the next.
    primary: Mutex<Option<(u64, MultiplexedConnection)>>,
    config: AsyncConnectionConfig,
    connect_timeout: Duration,
    db: i64,
    /// Until when writes do not wait for the replica (it did not keep up).
    waits_resume_at: Mutex<Option<Instant>>,
}

impl SentinelConnection {
    /// `sentinels`: a `redis://host:port` per sentinel; `service`: the name the sentinels
    /// monitor the primary under; `node`: the password and database of the primary. Connects
    /// on first use.
    pub fn new(
        sentinels: &[String],
        service: &str,
        node: RedisConnectionInfo,
        connect_timeout: Duration,
        response_timeout: Duration,
    ) -> RedisResult<SentinelConnection> {
        let db = node.db();
        let node = SentinelNodeConnectionInfo::default().set_redis_connection_info(node);
        let client =
            SentinelClient::build(sentinels.to_vec(), service.to_string(), Some(node), SentinelServerType::Master)?;
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(connect_timeout))
            .set_response_timeout(Some(response_timeout));
        Ok(SentinelConnection(Arc::new(Shared {
            sentinel: tokio::sync::Mutex::new(client),
            primary: Mutex::new(None),
            config,
            connect_timeout,
            db,
            waits_resume_at: Mutex::new(None),
        })))
    }

    fn current(&self) -> Option<(u64, MultiplexedConnection)> {
        self.0.primary.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// A client for the server the sentinels name as primary now (the page cache subscribes
    /// through it).
    pub async fn primary_client(&self) -> RedisResult<redis::Client> {
        let mut sentinel = self.0.sentinel.lock().await;
        let lookup = tokio::time::timeout(self.0.connect_timeout, sentinel.async_get_client());
        lookup.await.map_err(|_| timed_out())?.map_err(no_primary)
    }

    async fn connection(&self) -> RedisResult<(u64, MultiplexedConnection)> {
        if let Some(current) = self.current() {
            return Ok(current);
        }
        let mut sentinel = self.0.sentinel.lock().await;
        if let Some(current) = self.current() {
            return Ok(current); // another caller connected while this one waited
        }
        let connect = async {
            let client = sentinel.async_get_client().await?;
            client.get_multiplexed_async_connection_with_config(&self.0.config).await
        };
        let connection = tokio::time::timeout(self.0.connect_timeout, connect)
            .await
            .map_err(|_| timed_out())?
            .map_err(no_primary)?;
        let mut primary = self.0.primary.lock().unwrap_or_else(|e| e.into_inner());
        let number = primary.as_ref().map_or(0, |(n, _)| n + 1);
        *primary = Some((number, connection.clone()));
        Ok((number, connection))
    }

    /// Drops connection `number` (if it is still the current one) so the next call asks the
    /// sentinels again.
    fn forget(&self, number: u64) {
        let mut primary = self.0.primary.lock().unwrap_or_else(|e| e.into_inner());
        if primary.as_ref().is_some_and(|(n, _)| *n == number) {
            // Keeps the number, so the next connection's differs.
            *primary = None;
            drop(primary);
            tracing::info!("redis sentinel: asking the sentinels for the primary again");
        }
    }

    /// Runs `send` on the primary's connection. A connection that failed is dropped; a
    /// `READONLY` refusal (the server is a replica now) did not run the command, so it is sent
    /// once more to the primary the sentinels name.
    async fn send<'a, T>(
        &'a self,
        send: impl Fn(MultiplexedConnection) -> RedisFuture<'a, T> + Send + 'a,
    ) -> RedisResult<T> {
        let (number, connection) = self.connection().await?;
        match send(connection).await {
            Err(e) if is_demoted(&e) => {
                self.forget(number);
                let (number, connection) = self.connection().await?;
                let outcome = send(connection).await;
                if outcome.as_ref().is_err_and(|e| is_demoted(e) || is_lost(e)) {
                    self.forget(number);
                }
                outcome
            }
            Err(e) if is_lost(&e) => {
                self.forget(number);
                Err(e)
            }
            outcome => outcome,
        }
    }

    /// Waits (a bounded time) until a replica has every write made on this connection so far.
    pub async fn wait_for_replica(&self) {
        let now = Instant::now();
        if self.0.waits_resume_at.lock().unwrap_or_else(|e| e.into_inner()).is_some_and(|at| now < at) {
            return;
        }
        let mut wait = redis::cmd("WAIT");
        wait.arg(1).arg(WAIT_FOR_REPLICA.as_millis() as u64);
        let acknowledged: RedisResult<i64> = wait.query_async(&mut self.clone()).await;
        if !matches!(acknowledged, Ok(n) if n >= 1) {
            tracing::warn!(
                "redis sentinel: no replica confirmed a write within {WAIT_FOR_REPLICA:?} ({acknowledged:?}); \
                 writes go on without waiting for {WAIT_AGAIN_AFTER:?}"
            );
            *self.0.waits_resume_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(now + WAIT_AGAIN_AFTER);
        }
    }
}

/// Finding no primary (the sentinels are down, or name one that is down or not yet replaced) is
/// Redis being unavailable, like a refused connection to one server; a wrong password is not.
fn no_primary(e: RedisError) -> RedisError {
    if e.kind() == ErrorKind::AuthenticationFailed || e.is_io_error() {
        return e;
    }
    RedisError::from(std::io::Error::new(
        std::io::ErrorKind::NotConnected,
        format!("no primary through the sentinels: {e}"),
    ))
}

fn timed_out() -> RedisError {
    RedisError::from(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "no primary found through the sentinels in time",
    ))
}

fn is_demoted(e: &RedisError) -> bool {
    e.kind() == ErrorKind::Server(ServerErrorKind::ReadOnly)
}

fn is_lost(e: &RedisError) -> bool {
    e.is_io_error() || e.is_connection_dropped() || e.is_connection_refusal() || e.is_timeout()
}

impl ConnectionLike for SentinelConnection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        let this = &*self;
        Box::pin(this.send(move |mut c| Box::pin(async move { c.req_packed_command(cmd).await })))
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        let this = &*self;
        Box::pin(this.send(move |mut c| Box::pin(async move { c.req_packed_commands(pipeline, offset, count).await })))
    }

    fn get_db(&self) -> i64 {
        self.0.db
    }
}
