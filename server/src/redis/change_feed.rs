//! The catalog's change feed in Redis, so every node's in-memory browse index follows writes
//! made anywhere (another node, a worker, `famigo import`), not only its own.
//!
//! `<p>:catalog:position` counts write batches; `<p>:catalog:changes` keeps the slugs of the
//! last `KEEP` batches, scored by their position. A writer records its slugs after the store
//! has them and before it invalidates cached pages; a reader compares positions (one GET) and,
//! when behind, reads the slugs since its own position and refreshes them from the store. A
//! reader too far behind (trimmed) or facing a reset counter (Redis flushed) rebuilds whole.

use super::redis_builder;
use crate::catalog::change_feed::{ChangeFeed, Changes, FeedError};
use async_trait::async_trait;
use fred::prelude::*;
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

pub struct RedisChangeFeed {
    client: Client,
    position_key: String,
    changes_key: String,
}

fn down(e: impl std::fmt::Display) -> FeedError {
    FeedError(e.to_string())
}

impl RedisChangeFeed {
    /// Starts connecting and returns at once (a Redis that is down only means readers fall
    /// back to the store until it is up).
    pub async fn connect(url: &str, prefix: &str) -> Result<RedisChangeFeed, FeedError> {
        let client = redis_builder(url, TIMEOUT, TIMEOUT).and_then(|b| b.build()).map_err(down)?;
        client.connect();
        let _ = tokio::time::timeout(TIMEOUT, client.wait_for_connect()).await;
        Ok(RedisChangeFeed {
            client,
            position_key: format!("{prefix}:catalog:position"),
            changes_key: format!("{prefix}:catalog:changes"),
        })
    }
}

impl RedisChangeFeed {
    /// Fails at once while disconnected, instead of each caller waiting out the timeout.
    fn usable(&self) -> Result<(), FeedError> {
        if self.client.is_connected() {
            Ok(())
        } else {
            Err(down("not connected to redis"))
        }
    }
}

#[async_trait]
impl ChangeFeed for RedisChangeFeed {
    async fn record(&self, slugs: &[String]) -> Result<u64, FeedError> {
        self.usable()?;
        let keys = vec![self.position_key.clone(), self.changes_key.clone()];
        let start = rand::random::<u32>() as u64 * 1_000;
        let args = vec![slugs.join(" "), KEEP.to_string(), start.to_string()];
        self.client.eval(RECORD_SCRIPT, keys, args).await.map_err(down)
    }

    async fn position(&self) -> Result<u64, FeedError> {
        self.usable()?;
        let position: Option<u64> = self.client.get(&self.position_key).await.map_err(down)?;
        Ok(position.unwrap_or(0))
    }

    async fn since(&self, position: u64) -> Result<Changes, FeedError> {
        self.usable()?;
        let keys = vec![self.position_key.clone(), self.changes_key.clone()];
        let reply: Vec<Value> = self.client.eval(SINCE_SCRIPT, keys, vec![position.to_string()]).await.map_err(down)?;
        let mut items = reply.into_iter();
        let now = items.next().and_then(|v| v.as_u64()).ok_or_else(|| down("the change feed sent no position"))?;
        let mut slugs = Vec::new();
        for item in items {
            let text = item.as_string().ok_or_else(|| down("the change feed sent a non-text batch"))?;
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
