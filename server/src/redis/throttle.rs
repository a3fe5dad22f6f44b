//! The throttle shared by every node: one Redis hash per key (`<p>:throttle:<key>`, fields
//! `failures` and `until` in Redis's own clock, unix ms), expiring on its own. Each call is one
//! Lua script, so nodes counting failures at once never lose one.

use app::ports::{Throttle, ThrottleError, ThrottlePolicy};
use async_trait::async_trait;
use fred::prelude::*;
use std::time::Duration;

pub struct RedisThrottle {
    client: Client,
    prefix: String,
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

const WAIT: &str = r#"
local blocked_until = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if blocked_until > now then return blocked_until - now end
return 0
"#;

fn failed(e: impl std::fmt::Display) -> ThrottleError {
    ThrottleError(e.to_string())
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
        Ok(Self::on(super::redis_client(url).await.map_err(failed)?, prefix))
    }

    /// On a client the process already has (`redis_client`), shared with the other adapters.
    pub fn on(client: fred::clients::Client, prefix: &str) -> RedisThrottle {
        RedisThrottle { client, prefix: format!("{prefix}:throttle") }
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
        let ms: i64 = self
            .client
            .eval(format!("{NOW}\n{WAIT}"), vec![self.key(key)], Vec::<String>::new())
            .await
            .map_err(failed)?;
        Ok(wait_of(ms))
    }

    async fn fail(&self, key: &str, policy: &ThrottlePolicy) -> Result<Option<Duration>, ThrottleError> {
        let args = vec![policy.free.to_string(), millis(policy.window), millis(policy.base), millis(policy.max)];
        let ms: i64 = self.client.eval(format!("{NOW}\n{FAIL}"), vec![self.key(key)], args).await.map_err(failed)?;
        Ok(wait_of(ms))
    }

    async fn clear(&self, key: &str) -> Result<(), ThrottleError> {
        let _: i64 = self.client.del(self.key(key)).await.map_err(failed)?;
        Ok(())
    }
}
