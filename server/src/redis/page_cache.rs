//! The page cache shared by every node: pages in Redis, tag generations in Redis, and an
//! in-process layer (L1) in front that pub/sub keeps honest.
//!
//! Keys (all under `REDIS_PREFIX`): `<p>:page:<hash of request key>` holds a page and the
//! generations of its tags when it was stored; `{<p>:pages}:tag:<tag>` is a tag's generation;
//! `{<p>:pages}:writes` counts invalidations (for `mark`); those two share one cluster slot. An invalidation bumps the counter and its
//! tags and publishes the new generations on `<p>:invalidate` in one Lua script, so every
//! node's L1 learns of it. While the subscription is down (or was down: after a reconnect
//! messages may have been missed) L1 is cleared and skipped. Commands go through the process's
//! shared connection; the subscription has a connection of its own (Redis allows nothing else
//! on a subscribed RESP2 connection).

use super::RedisConnection;
use super::SharedRedis;
use crate::memory::page_cache::{LocalPages, StoredPage};
use app::ports::{CacheError, CacheMark, CachedPage, PageCache};
use async_trait::async_trait;
use futures::StreamExt;
use redis::{AsyncCommands, Script};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

const COMMAND_TIMEOUT: Duration = Duration::from_millis(1000);
const CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);
const RETRY_PENDING_EVERY: Duration = Duration::from_millis(200);
const WATCH_SUBSCRIPTION_EVERY: Duration = Duration::from_millis(50);

/// KEYS: the write counter, then one key per tag. ARGV: the channel, then the tag names.
const INVALIDATE_SCRIPT: &str = r#"
redis.call('INCR', KEYS[1])
local generations = {}
local message = {}
for i = 2, #KEYS do
  generations[i - 1] = redis.call('INCR', KEYS[i])
  message[i - 1] = ARGV[i] .. ' ' .. generations[i - 1]
end
redis.call('PUBLISH', ARGV[1], table.concat(message, '\n'))
return generations
"#;
static INVALIDATE: LazyLock<Script> = LazyLock::new(|| Script::new(INVALIDATE_SCRIPT));

#[derive(serde::Serialize, serde::Deserialize)]
struct EntryMeta {
    status: u16,
    headers: Vec<(String, String)>,
    etag: String,
    tags: Vec<String>,
    generations: Vec<u64>,
}

pub struct RedisPageCache {
    shared: Arc<Shared>,
}

struct Shared {
    redis: SharedRedis,
    prefix: String,
    /// `{<p>:pages}`: the write counter and every tag, one cluster slot for the invalidation
    /// script and the MGETs (pages themselves spread over the slots).
    generations_slot: String,
    ttl: Duration,
    l1: Option<LocalPages>,
    /// The subscription is up and L1 was cleared since it last came up.
    l1_trusted: AtomicBool,
    /// Tags this node failed to invalidate (Redis was down); retried until Redis takes them.
    /// Until then this node does not trust the cache at all.
    pending: Mutex<BTreeSet<String>>,
    /// `pending` is not empty (read on every request, without the lock).
    has_pending: AtomicBool,
}

fn unavailable(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> CacheError {
    CacheError::Unavailable(app::ports::BackendError::unavailable(e))
}

impl RedisPageCache {
    /// Starts connecting and returns at once: a Redis that is down at startup only means the
    /// cache is bypassed until it comes up. A malformed URL is an error.
    pub async fn connect(url: &str, prefix: &str, l1_bytes: u64, ttl: Duration) -> Result<RedisPageCache, CacheError> {
        let redis = SharedRedis::open(url).map_err(unavailable)?;
        Ok(Self::on(redis, prefix, l1_bytes, ttl).await)
    }

    /// On the process's shared Redis (`SharedRedis`).
    pub async fn on(redis: SharedRedis, prefix: &str, l1_bytes: u64, ttl: Duration) -> RedisPageCache {
        let shared = Arc::new(Shared {
            redis,
            prefix: prefix.to_string(),
            generations_slot: super::slot(&format!("{prefix}:pages")),
            ttl,
            l1: (l1_bytes > 0).then(|| LocalPages::new(l1_bytes, ttl)),
            l1_trusted: AtomicBool::new(false),
            pending: Mutex::new(BTreeSet::new()),
            has_pending: AtomicBool::new(false),
        });
        if !shared.redis.live.ping(&shared.redis.connection, CONNECT_TIMEOUT).await {
            tracing::warn!(redis = %shared.redis.host, "redis is not answering yet; pages bypass the cache until it does");
        }
        tokio::spawn(follow_invalidations(Arc::downgrade(&shared)));
        tokio::spawn(retry_pending(Arc::downgrade(&shared)));
        RedisPageCache { shared }
    }

    /// The Redis key a request key's page is stored under (to inspect or purge it by hand).
    pub fn redis_key(&self, key: &str) -> String {
        self.shared.page_key(key)
    }

    /// Waits until the invalidation channel is subscribed (for tests and startup logs).
    pub async fn wait_until_subscribed(&self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        while tokio::time::Instant::now() < deadline {
            if self.shared.l1.is_none() || self.shared.l1_trusted.load(Ordering::Acquire) {
                return self.shared.redis.live.is_up();
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        false
    }
}

impl Shared {
    fn page_key(&self, key: &str) -> String {
        format!("{}:page:{:032x}", self.prefix, xxhash_rust::xxh3::xxh3_128(key.as_bytes()))
    }

    fn tag_key(&self, tag: &str) -> String {
        format!("{}:tag:{tag}", self.generations_slot)
    }

    fn writes_key(&self) -> String {
        format!("{}:writes", self.generations_slot)
    }

    fn channel(&self) -> String {
        format!("{}:invalidate", self.prefix)
    }

    fn connection(&self) -> RedisConnection {
        self.redis.connection.clone()
    }

    /// One command, bounded by `COMMAND_TIMEOUT`.
    async fn call<T>(&self, work: impl std::future::Future<Output = redis::RedisResult<T>>) -> Result<T, CacheError> {
        Ok(self.redis.live.call(COMMAND_TIMEOUT, work).await?)
    }

    fn usable(&self) -> Result<(), CacheError> {
        if !self.redis.live.is_up() {
            return Err(unavailable("not connected to redis"));
        }
        if self.has_pending.load(Ordering::Acquire) {
            return Err(unavailable("invalidations wait for redis"));
        }
        Ok(())
    }

    fn l1(&self) -> Option<&LocalPages> {
        self.l1.as_ref().filter(|_| self.l1_trusted.load(Ordering::Acquire))
    }

    async fn generations(&self, tags: &[String]) -> Result<Vec<u64>, CacheError> {
        if tags.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = tags.iter().map(|t| self.tag_key(t)).collect();
        let values: Vec<Option<u64>> = self.call(self.connection().mget(keys)).await?;
        Ok(values.into_iter().map(|v| v.unwrap_or(0)).collect())
    }

    async fn run_invalidation(&self, tags: &[String]) -> Result<(), CacheError> {
        let mut invocation = INVALIDATE.key(self.writes_key());
        invocation.arg(self.channel());
        for tag in tags {
            invocation.key(self.tag_key(tag)).arg(tag);
        }
        let mut connection = self.connection();
        let generations: Vec<u64> = self.call(invocation.invoke_async(&mut connection)).await?;
        connection.wait_for_replica().await;
        // Our own message arrives too, but this node must not serve the old page even once.
        if let Some(l1) = &self.l1 {
            l1.generations.observe(tags.iter().cloned().zip(generations));
        }
        Ok(())
    }
}

fn encode(page: &CachedPage, generations: Vec<u64>) -> Vec<u8> {
    let meta = EntryMeta {
        status: page.status,
        headers: page.headers.clone(),
        etag: page.etag.clone(),
        tags: page.tags.clone(),
        generations,
    };
    let meta = serde_json::to_vec(&meta).expect("entry metadata serializes");
    let mut bytes = Vec::with_capacity(4 + meta.len() + page.body.len());
    bytes.extend_from_slice(&(meta.len() as u32).to_be_bytes());
    bytes.extend_from_slice(&meta);
    bytes.extend_from_slice(&page.body);
    bytes
}

fn decode(bytes: &[u8]) -> Option<StoredPage> {
    let len = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    let meta: EntryMeta = serde_json::from_slice(bytes.get(4..4 + len)?).ok()?;
    if meta.generations.len() != meta.tags.len() {
        return None;
    }
    let page = CachedPage {
        status: meta.status,
        headers: meta.headers,
        body: bytes[4 + len..].to_vec(),
        etag: meta.etag,
        tags: meta.tags,
    };
    Some(StoredPage::new(Arc::new(page), meta.generations))
}

#[async_trait]
impl PageCache for RedisPageCache {
    fn backend(&self) -> &'static str {
        "redis"
    }

    async fn mark(&self) -> Result<CacheMark, CacheError> {
        let s = &self.shared;
        s.usable()?;
        let writes: Option<u64> = s.call(s.connection().get(s.writes_key())).await?;
        Ok(CacheMark(writes.unwrap_or(0)))
    }

    async fn get(&self, key: &str) -> Result<Option<Arc<CachedPage>>, CacheError> {
        let s = &self.shared;
        s.usable()?;
        if let Some(page) = s.l1().and_then(|l1| l1.get(key)) {
            return Ok(Some(page));
        }
        let bytes: Option<Vec<u8>> = s.call(s.connection().get(s.page_key(key))).await?;
        let Some(stored) = bytes.as_deref().and_then(decode) else { return Ok(None) };
        let now = s.generations(&stored.page.tags).await?;
        if now != stored.generations {
            return Ok(None);
        }
        let page = stored.page.clone();
        if let Some(l1) = s.l1() {
            l1.insert(key, stored);
        }
        Ok(Some(page))
    }

    async fn put(&self, key: &str, page: CachedPage, since: CacheMark) -> Result<bool, CacheError> {
        let s = &self.shared;
        s.usable()?;
        // The counter and the tags in one MGET: the script bumps the counter before the tags,
        // so either the counter shows the write (drop the page) or the tags are still old
        // (the page is stored already stale and the next `get` sees it).
        let mut keys = vec![s.writes_key()];
        keys.extend(page.tags.iter().map(|t| s.tag_key(t)));
        let values: Vec<Option<u64>> = s.call(s.connection().mget(keys)).await?;
        let mut values = values.into_iter().map(|v| v.unwrap_or(0));
        if values.next() != Some(since.0) {
            return Ok(false);
        }
        let generations: Vec<u64> = values.collect();
        let bytes = encode(&page, generations.clone());
        let ttl = s.ttl.as_secs().max(1);
        let _: () = s.call(s.connection().set_ex(s.page_key(key), bytes, ttl)).await?;
        if let Some(l1) = s.l1() {
            l1.insert(key, StoredPage::new(Arc::new(page), generations));
        }
        Ok(true)
    }

    async fn invalidate(&self, tags: &[String]) -> Result<(), CacheError> {
        let s = &self.shared;
        if tags.is_empty() {
            return Ok(());
        }
        let result = match s.usable() {
            Ok(()) => s.run_invalidation(tags).await,
            Err(e) => Err(e),
        };
        if let Err(e) = &result {
            tracing::warn!("page cache invalidation postponed until redis answers: {}", app::ports::Causes(e));
            s.pending.lock().unwrap_or_else(|e| e.into_inner()).extend(tags.iter().cloned());
            s.has_pending.store(true, Ordering::Release);
        }
        result
    }

    async fn ping(&self) -> Result<(), CacheError> {
        let s = &self.shared;
        let mut connection = s.connection();
        let _: String = s.call(redis::cmd("PING").query_async(&mut connection)).await?;
        Ok(())
    }
}

/// Keeps the invalidation channel subscribed on a connection of its own (to the next listed
/// node each time one fails, in a cluster); whenever it was down, L1 starts empty.
async fn follow_invalidations(shared: std::sync::Weak<Shared>) {
    for attempt in 0usize.. {
        let Some(s) = shared.upgrade() else { return };
        let (redis, channel) = (s.redis.clone(), s.channel());
        drop(s);
        let subscribed = tokio::time::timeout(CONNECT_TIMEOUT, async {
            let mut pubsub = redis.subscriber(attempt).await?.get_async_pubsub().await?;
            pubsub.subscribe(&channel).await?;
            redis::RedisResult::Ok(pubsub)
        })
        .await;
        match subscribed {
            Ok(Ok(pubsub)) => {
                let Some(s) = shared.upgrade() else { return };
                // Cleared after subscribing: an invalidation from before is not in L1 any more,
                // and every one after it arrives on the channel.
                if let Some(l1) = &s.l1 {
                    l1.clear();
                }
                s.l1_trusted.store(true, Ordering::Release);
                drop(s);
                follow_messages(&shared, pubsub).await;
                let Some(s) = shared.upgrade() else { return };
                distrust_l1(&s);
            }
            Ok(Err(e)) => tracing::debug!("cannot subscribe to {channel}: {}", app::ports::Causes(&e)),
            Err(_) => tracing::debug!("cannot subscribe to {channel}: no answer within {CONNECT_TIMEOUT:?}"),
        }
        tokio::time::sleep(WATCH_SUBSCRIPTION_EVERY).await;
    }
}

/// Applies announcements until the subscription's connection closes (or the cache is dropped);
/// while commands fail, L1 is not trusted either.
async fn follow_messages(shared: &std::sync::Weak<Shared>, pubsub: redis::aio::PubSub) {
    let mut messages = pubsub.into_on_message();
    let mut tick = tokio::time::interval(WATCH_SUBSCRIPTION_EVERY);
    let mut was_down = false;
    loop {
        tokio::select! {
            message = messages.next() => {
                let Some(message) = message else { return };
                let Some(s) = shared.upgrade() else { return };
                if let (Some(l1), Ok(text)) = (&s.l1, message.get_payload::<String>()) {
                    l1.generations.observe(parse_announcement(&text));
                }
            }
            _ = tick.tick() => {
                let Some(s) = shared.upgrade() else { return };
                if !s.redis.live.is_up() {
                    distrust_l1(&s);
                    was_down = true;
                } else if was_down {
                    // Back: announcements made meanwhile may be lost, so subscribe afresh.
                    return;
                }
            }
        }
    }
}

fn distrust_l1(s: &Shared) {
    if s.l1_trusted.swap(false, Ordering::AcqRel) {
        if let Some(l1) = &s.l1 {
            l1.clear();
        }
    }
}

/// Lines of `tag generation`, as the invalidation script publishes them.
fn parse_announcement(text: &str) -> Vec<(String, u64)> {
    text.lines()
        .filter_map(|line| {
            let (tag, generation) = line.rsplit_once(' ')?;
            Some((tag.to_string(), generation.parse().ok()?))
        })
        .collect()
}

async fn retry_pending(shared: std::sync::Weak<Shared>) {
    loop {
        tokio::time::sleep(RETRY_PENDING_EVERY).await;
        let Some(s) = shared.upgrade() else { return };
        let tags: Vec<String> = s.pending.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect();
        if tags.is_empty() || !s.redis.live.is_up() {
            continue;
        }
        if s.run_invalidation(&tags).await.is_ok() {
            let mut pending = s.pending.lock().unwrap_or_else(|e| e.into_inner());
            for tag in &tags {
                pending.remove(tag);
            }
            s.has_pending.store(!pending.is_empty(), Ordering::Release);
            tracing::info!(tags = tags.len(), "postponed page cache invalidations reached redis");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip() {
        let page = CachedPage {
            status: 200,
            headers: vec![("content-type".into(), "text/html".into())],
            body: b"<html>\x00\xff</html>".to_vec(),
            etag: "\"abc\"".into(),
            tags: vec!["app:a".into(), "listings".into()],
        };
        let stored = decode(&encode(&page, vec![3, 9])).expect("decodes");
        assert_eq!(*stored.page, page);
        assert_eq!(stored.generations, vec![3, 9]);
        assert!(decode(b"\x00\x00").is_none());
        assert!(decode(b"\x00\x00\x00\x09{}").is_none());
    }

    #[test]
    fn announcements_parse() {
        assert_eq!(
            parse_announcement("app:a-b 3\nlistings 12\nbroken"),
            vec![("app:a-b".to_string(), 3), ("listings".to_string(), 12)]
        );
    }
}
