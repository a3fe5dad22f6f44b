//! One suite for every `PageCache` adapter: the embedded one always, the Redis one against a
//! redis-server started here. Then what only a shared cache can show: a second node.

use crate::common;

use app::ports::{CacheError, CachedPage, PageCache};
use common::redis::RedisServer;
use famigo::memory::page_cache::MemoryPageCache;
use famigo::redis::page_cache::RedisPageCache;
use std::sync::Arc;
use std::time::{Duration, Instant};

const TTL: Duration = Duration::from_secs(600);
const L1_BYTES: u64 = 8 * 1024 * 1024;

fn page(body: &str, tags: &[&str]) -> CachedPage {
    CachedPage {
        status: 200,
        headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
        body: body.as_bytes().to_vec(),
        etag: format!("\"{body}\""),
        tags: tags.iter().map(|t| t.to_string()).collect(),
    }
}

fn tags(list: &[&str]) -> Vec<String> {
    list.iter().map(|t| t.to_string()).collect()
}

/// A cache under test and what must outlive it.
struct Harness {
    cache: Arc<dyn PageCache>,
    _redis: Option<RedisServer>,
}

async fn memory() -> Option<Harness> {
    Some(Harness { cache: Arc::new(MemoryPageCache::new(L1_BYTES, TTL)), _redis: None })
}

async fn redis_node(redis: &RedisServer, prefix: &str, l1_bytes: u64) -> RedisPageCache {
    let cache = RedisPageCache::connect(&redis.url(), prefix, l1_bytes, TTL).await.expect("connect");
    assert!(cache.wait_until_subscribed(Duration::from_secs(5)).await, "redis cache never became usable");
    cache
}

async fn redis() -> Option<Harness> {
    let server = RedisServer::start()?;
    let cache = redis_node(&server, "suite", L1_BYTES).await;
    Some(Harness { cache: Arc::new(cache), _redis: Some(server) })
}

async fn redis_cluster() -> Option<Harness> {
    let server = RedisServer::start_cluster()?;
    let cache = redis_node(&server, "suite", L1_BYTES).await;
    Some(Harness { cache: Arc::new(cache), _redis: Some(server) })
}

async fn redis_without_l1() -> Option<Harness> {
    let server = RedisServer::start()?;
    let cache = redis_node(&server, "suite", 0).await;
    Some(Harness { cache: Arc::new(cache), _redis: Some(server) })
}

async fn stores_and_returns_pages(h: &Harness) {
    assert_eq!(h.cache.get("/a").await.unwrap(), None);
    let mark = h.cache.mark().await.unwrap();
    assert!(h.cache.put("/a", page("A", &["app:a"]), mark).await.unwrap());
    assert_eq!(h.cache.get("/a").await.unwrap().as_deref(), Some(&page("A", &["app:a"])));
    assert_eq!(h.cache.get("/b").await.unwrap(), None, "another key");
    h.cache.ping().await.unwrap();
}

async fn invalidation_drops_exactly_the_pages_with_the_tag(h: &Harness) {
    let mark = h.cache.mark().await.unwrap();
    h.cache.put("/a", page("A", &["app:a", "listings"]), mark).await.unwrap();
    h.cache.put("/b", page("B", &["app:b"]), mark).await.unwrap();
    h.cache.put("/a2", page("A2", &["app:a"]), mark).await.unwrap();
    h.cache.invalidate(&tags(&["app:a"])).await.unwrap();
    assert_eq!(h.cache.get("/a").await.unwrap(), None);
    assert_eq!(h.cache.get("/a2").await.unwrap(), None);
    assert!(h.cache.get("/b").await.unwrap().is_some(), "untouched tag stays cached");

    // Stored again after the write, it is current again.
    let mark = h.cache.mark().await.unwrap();
    assert!(h.cache.put("/a", page("A'", &["app:a", "listings"]), mark).await.unwrap());
    assert_eq!(h.cache.get("/a").await.unwrap().unwrap().body, b"A'");
}

async fn a_page_rendered_across_a_write_is_not_stored(h: &Harness) {
    let mark = h.cache.mark().await.unwrap();
    h.cache.invalidate(&tags(&["app:z"])).await.unwrap();
    assert!(!h.cache.put("/a", page("A", &["app:a"]), mark).await.unwrap());
    assert_eq!(h.cache.get("/a").await.unwrap(), None);
}

common::backend_suite!([embedded: memory, redis_with_l1: redis, redis_only: redis_without_l1, redis_cluster_with_l1: redis_cluster], [ stores_and_returns_pages, invalidation_drops_exactly_the_pages_with_the_tag, a_page_rendered_across_a_write_is_not_stored ]);

/// Node B holds a page in its L1; node A's write must reach it through Redis.
#[tokio::test]
async fn a_write_on_one_node_invalidates_the_other_nodes_l1() {
    let Some(server) = RedisServer::start() else { return };
    let a = redis_node(&server, "two-nodes", L1_BYTES).await;
    let b = redis_node(&server, "two-nodes", L1_BYTES).await;
    let mark = a.mark().await.unwrap();
    assert!(a.put("/apps/x", page("X", &["app:x"]), mark).await.unwrap());
    assert!(b.get("/apps/x").await.unwrap().is_some(), "B reads A's page from Redis");

    // Prove B now answers from its L1: with the Redis copy gone, B still has it.
    let mut raw = redis::Client::open(server.url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let deleted: u64 = redis::AsyncCommands::del(&mut raw, b.redis_key("/apps/x")).await.unwrap();
    assert_eq!(deleted, 1);
    assert!(b.get("/apps/x").await.unwrap().is_some(), "B's L1 holds the page");

    let written = Instant::now();
    a.invalidate(&tags(&["app:x"])).await.unwrap();
    while b.get("/apps/x").await.unwrap().is_some() {
        assert!(written.elapsed() < Duration::from_secs(2), "B still serves the page 2 s after A's write");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    println!("invalidation reached the other node's L1 in {:?}", written.elapsed());
}

/// Redis stops: the cache says so quickly (callers bypass it); Redis returns: it works again.
#[tokio::test]
async fn redis_outage_is_reported_then_recovered_from() {
    let Some(mut server) = RedisServer::start() else { return };
    let cache = redis_node(&server, "outage", L1_BYTES).await;
    let mark = cache.mark().await.unwrap();
    cache.put("/a", page("A", &["app:a"]), mark).await.unwrap();

    server.stop();
    let asked = Instant::now();
    let mut answer = cache.get("/a").await;
    while answer.is_ok() && asked.elapsed() < Duration::from_secs(3) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        answer = cache.get("/a").await;
    }
    assert!(matches!(answer, Err(CacheError::Unavailable(_))), "a stopped Redis is reported: {answer:?}");
    let started = Instant::now();
    assert!(cache.get("/a").await.is_err());
    assert!(started.elapsed() < Duration::from_millis(100), "no waiting on a dead Redis: {:?}", started.elapsed());
    // A write while Redis is down is kept and delivered later.
    assert!(cache.invalidate(&tags(&["app:a"])).await.is_err());

    assert!(server.restart(), "redis restarts on its port");
    let back = Instant::now();
    while cache.get("/a").await.is_err() {
        assert!(back.elapsed() < Duration::from_secs(10), "the cache never recovered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!("usable again {:?} after Redis restarted", back.elapsed());
    let mark = cache.mark().await.unwrap();
    assert!(cache.put("/a", page("A2", &["app:a"]), mark).await.unwrap());
    assert_eq!(cache.get("/a").await.unwrap().unwrap().body, b"A2");
}
