//! The catalog's change feed in Redis, so every node's in-memory browse index follows writes
//! made anywhere (another node, a worker, `famigo import`), not only its own.
//!
//! `{<p>:catalog}:position` counts write batches; `{<p>:catalog}:changes` (the same cluster slot) keeps the slugs of the
//! last `KEEP` batches, scored by their position. A writer records its slugs after the store
//! has them and before it invalidates cached pages; a reader compares positions (one GET) and,
//! when behind, reads the slugs since its own position and refreshes them from the store. A
//! reader too far behind (trimmed) or facing a reset counter (Redis flushed) rebuilds whole.

use super::RedisConnection;
use super::{Liveness, SharedRedis};
use crate::catalog::change_feed::{ChangeFeed, Changes, FeedError};
use async_trait::async_trait;
use redis::{AsyncCommands, Script, Value};
use std::sync::LazyLock;
use std::time::Duration;

const KEEP: usize = 10_000;
const TIMEOUT: Duration = Duration::from_millis(1000);

/// KEYS: position, changes. ARGV: the slugs (space-separated), how many batches to keep, a
/// random start. A new counter starts at a random number, so a Redis that lost its data (a
/// restart without persistence) never repeats a position a reader already applied.
const RECORD_SCRIPT: &str = r#"
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[3]) end
local position = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], position, position .. ' ' .. ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[2]) + 1))
return position
"#;

/// KEYS: position, changes. ARGV: the reader's position. Returns {position} when nothing is
/// missing, {position, 'rebuild'} when the batches since cannot be told, else {position,
/// batch...}.
const SINCE_SCRIPT: &str = r#"
local position = tonumber(redis.call('GET', KEYS[1]) or '0')
local since = tonumber(ARGV[1])
if position == since then return {position} end
local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if since > position or #oldest == 0 or tonumber(oldest[2]) > since + 1 then return {position, 'rebuild'} end
local result = {position}
for _, batch in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. since, position)) do
  table.insert(result, batch)
end
return result
"#;

static RECORD: LazyLock<Script> = LazyLock::new(|| Script::new(RECORD_SCRIPT));
static SINCE: LazyLock<Script> = LazyLock::new(|| Script::new(SINCE_SCRIPT));

pub struct RedisChangeFeed {
    connection: RedisConnection,
    live: std::sync::Arc<Liveness>,
    position_key: String,
    changes_key: String,
}

fn down(e: impl std::fmt::Display) -> FeedError {
    FeedError(e.to_string())
}

impl RedisChangeFeed {
    /// On a Redis of its own (tests); see `on`.
    pub async fn connect(url: &str, prefix: &str) -> Result<RedisChangeFeed, FeedError> {
        Ok(Self::on(SharedRedis::open(url).map_err(down)?, prefix).await)
    }

    /// On the process's shared Redis; returns at once when Redis is down (readers fall back to
    /// the store until it is up).
    pub async fn on(redis: SharedRedis, prefix: &str) -> RedisChangeFeed {
        redis.live.ping(&redis.connection, TIMEOUT).await;
        RedisChangeFeed {
            connection: redis.connection,
            live: redis.live,
            position_key: format!("{}:position", super::slot(&format!("{prefix}:catalog"))),
            changes_key: format!("{}:changes", super::slot(&format!("{prefix}:catalog"))),
        }
    }

    /// Fails at once while Redis is known to be down, instead of each caller waiting out the
    /// timeout.
    fn usable(&self) -> Result<(), FeedError> {
        if self.live.is_up() {
            Ok(())
        } else {
            Err(down("not connected to redis"))
        }
    }

    async fn call<T>(&self, work: impl std::future::Future<Output = redis::RedisResult<T>>) -> Result<T, FeedError> {
        self.live.call(TIMEOUT, work).await.map_err(down)
    }
}

#[async_trait]
impl ChangeFeed for RedisChangeFeed {
    async fn record(&self, slugs: &[String]) -> Result<u64, FeedError> {
        self.usable()?;
        let start = rand::random::<u32>() as u64 * 1_000;
        let mut record = RECORD.key(&self.position_key);
        record.key(&self.changes_key).arg(slugs.join(" ")).arg(KEEP).arg(start);
        let mut connection = self.connection.clone();
        let position = self.call(record.invoke_async(&mut connection)).await?;
        connection.wait_for_replica().await;
        Ok(position)
    }

    async fn position(&self) -> Result<u64, FeedError> {
        self.usable()?;
        let position: Option<u64> = self.call(self.connection.clone().get(&self.position_key)).await?;
        Ok(position.unwrap_or(0))
    }

    async fn since(&self, position: u64) -> Result<Changes, FeedError> {
        self.usable()?;
        let mut since = SINCE.key(&self.position_key);
        since.key(&self.changes_key).arg(position);
        let mut connection = self.connection.clone();
        let reply: Vec<Value> = self.call(since.invoke_async(&mut connection)).await?;
        let mut items = reply.into_iter();
        let now = items
            .next()
            .and_then(|v| redis::from_redis_value::<u64>(v).ok())
            .ok_or_else(|| down("the change feed sent no position"))?;
        let mut slugs = Vec::new();
        for item in items {
            let text: String =
                redis::from_redis_value(item).map_err(|_| down("the change feed sent a non-text batch"))?;
            if text == "rebuild" {
                return Ok(Changes::Rebuild(now));
            }
            // "<position> slug slug…"
            slugs.extend(text.split(' ').skip(1).filter(|s| !s.is_empty()).map(str::to_string));
        }
        slugs.sort();
        slugs.dedup();
        Ok(Changes::Slugs(now, slugs))
    }
}
