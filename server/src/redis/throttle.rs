//! The throttle shared by every node: one Redis hash per key (`<p>:throttle:<key>`, fields
//! `failures` and `until` in Redis's own clock, unix ms), expiring on its own. Each call is one
//! Lua script, so nodes counting failures at once never lose one.

use super::RedisConnection;
use app::ports::{Throttle, ThrottleError, ThrottlePolicy};
use async_trait::async_trait;
use redis::{AsyncCommands, Script};
use std::time::Duration;

pub struct RedisThrottle {
    connection: RedisConnection,
    prefix: String,
    wait: Script,
    fail: Script,
    forgive: Script,
}

const NOW: &str = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)";

/// ARGV: free, window ms, base ms, max ms. Returns the block in ms (0: none).
const FAIL: &str = r#"
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local free, window, base, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local block = 0
if failures > free then
  block = math.min(base * 2 ^ math.min(failures - free - 1, 30), max)
  redis.call('HSET', KEYS[1], 'until', now + block)
end
redis.call('PEXPIRE', KEYS[1], math.max(window, block))
return block
"#;

const FORGIVE: &str = r#"
if tonumber(redis.call('HGET', KEYS[1], 'failures') or '0') > 0 then
  redis.call('HINCRBY', KEYS[1], 'failures', -1)
end
return 0
"#;

const WAIT: &str = r#"
local blocked_until = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if blocked_until > now then return blocked_until - now end
return 0
"#;

fn failed(e: redis::RedisError) -> ThrottleError {
    super::redis_err(e).into()
}

fn millis(d: Duration) -> String {
    d.as_millis().to_string()
}

fn wait_of(ms: i64) -> Option<Duration> {
    (ms > 0).then(|| Duration::from_millis(ms as u64))
}

impl RedisThrottle {
    /// Connects its own client (retrying in the background if Redis is down; calls fail meanwhile).
    pub async fn connect(url: &str, prefix: &str) -> Result<RedisThrottle, ThrottleError> {
        Ok(Self::on(super::redis_connection(url).map_err(failed)?, prefix))
    }

    /// On the connection the process already has (`redis_connection`).
    pub fn on(connection: RedisConnection, prefix: &str) -> RedisThrottle {
        RedisThrottle {
            connection,
            prefix: format!("{prefix}:throttle"),
            wait: Script::new(&format!("{NOW}\n{WAIT}")),
            fail: Script::new(&format!("{NOW}\n{FAIL}")),
            forgive: Script::new(FORGIVE),
        }
    }

    fn key(&self, key: &str) -> String {
        format!("{}:{key}", self.prefix)
    }
}

#[async_trait]
impl Throttle for RedisThrottle {
    fn backend(&self) -> &'static str {
        "redis"
    }

    async fn wait(&self, key: &str) -> Result<Option<Duration>, ThrottleError> {
        let ms: i64 = self.wait.key(self.key(key)).invoke_async(&mut self.connection.clone()).await.map_err(failed)?;
        Ok(wait_of(ms))
    }

    async fn fail(&self, key: &str, policy: &ThrottlePolicy) -> Result<Option<Duration>, ThrottleError> {
        let ms: i64 = self
            .fail
            .key(self.key(key))
            .arg(policy.free)
            .arg(millis(policy.window))
            .arg(millis(policy.base))
            .arg(millis(policy.max))
            .invoke_async(&mut self.connection.clone())
            .await
            .map_err(failed)?;
        Ok(wait_of(ms))
    }

    async fn clear(&self, key: &str) -> Result<(), ThrottleError> {
        let _: i64 = self.connection.clone().del(self.key(key)).await.map_err(failed)?;
        Ok(())
    }

    async fn forgive(&self, key: &str) -> Result<(), ThrottleError> {
        let _: i64 =
            self.forgive.key(self.key(key)).invoke_async(&mut self.connection.clone()).await.map_err(failed)?;
        Ok(())
    }
}
