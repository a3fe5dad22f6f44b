//! `PAGE_CACHE*`, `REDIS_URL`, `REDIS_PREFIX`: the page cache and what else lives in Redis.

use super::{ConfigError, Env};
use crate::redis::RedisTarget;

/// The page cache and the session store: Redis when `REDIS_URL` is set, in-process otherwise.
#[derive(Clone, Debug)]
pub struct CacheConfig {
    /// `PAGE_CACHE=off` renders every request (no caching, no coalescing of concurrent
    /// misses): for measuring rendering and for debugging. Default on.
    pub pages_enabled: bool,
    /// `REDIS_URL`, like `redis://:password@host:6379/0`; None = embedded.
    pub redis_url: Option<String>,
    /// `PAGE_CACHE_REDIS_URL`: a Redis of the page cache's own (with `maxmemory` and an LRU
    /// policy: see deploy/docker-compose.yml), so pages filling it can never push out the
    /// sessions, jobs, outbox and throttles in `REDIS_URL`'s. None = the pages live there too.
    pub page_cache_redis_url: Option<String>,
    /// Prefix of every page-cache key and channel in Redis (`REDIS_PREFIX`, default `famigo`),
    /// so several sites can share one Redis.
    pub redis_prefix: String,
    /// Bytes the in-process page layer may hold (`PAGE_CACHE_MB`, default 64; 0 turns it off:
    /// with Redis every hit then comes from Redis, without Redis nothing is cached).
    pub l1_bytes: u64,
    /// Longest a page stays stored (`PAGE_CACHE_TTL`, seconds, default 3600): a safety net, not
    /// the way pages get fresh (writes invalidate them).
    pub ttl: std::time::Duration,
}

impl CacheConfig {
    pub(super) fn from_env(env: &Env) -> Result<CacheConfig, ConfigError> {
        Ok(CacheConfig {
            pages_enabled: env.switch("PAGE_CACHE", true)?,
            redis_url: env.redis_url("REDIS_URL")?,
            page_cache_redis_url: match env.redis_url("PAGE_CACHE_REDIS_URL")? {
                Some(_) if env.get("REDIS_URL").is_none() => {
                    return Err(ConfigError {
                        var: "PAGE_CACHE_REDIS_URL",
                        value: "(hidden)".into(),
                        reason: "needs REDIS_URL too (without it every node keeps its own cache)".into(),
                    })
                }
                url => url,
            },
            redis_prefix: env.key_prefix("REDIS_PREFIX", "famigo")?,
            l1_bytes: env.parsed::<u64>("PAGE_CACHE_MB", 64, "expected a whole number of megabytes")? * 1024 * 1024,
            ttl: std::time::Duration::from_secs(
                env.parsed::<u64>("PAGE_CACHE_TTL", 3600, "expected a whole number of seconds")?.max(1),
            ),
        })
    }
}

impl Env {
    fn redis_url(&self, var: &'static str) -> Result<Option<String>, ConfigError> {
        let Some(text) = self.get(var) else { return Ok(None) };
        let text = text.trim();
        // The error names the variable but never echoes the URL: it may hold a password.
        let bad = |reason: String| ConfigError { var, value: "(hidden)".into(), reason };
        let schemes = ["redis://", "rediss://", RedisTarget::CLUSTER_SCHEME, RedisTarget::SENTINEL_SCHEME];
        if !schemes.iter().any(|s| text.starts_with(s)) {
            return Err(bad("expected redis://host:port of one server, redis+cluster://host:port,host:port,… of a \
                 Redis Cluster or redis+sentinel://host:port,…/service of a primary watched by Redis Sentinel"
                .into()));
        }
        RedisTarget::parse(text).map_err(|e| bad(e.to_string()))?;
        Ok(Some(text.to_string()))
    }
}
