//! Several processes on one store, each with its in-memory browse index: a write through any
//! of them shows in every other's listings at once, through the Redis change feed; with the
//! feed down, listings answer from the store (never stale), and the indexes catch up when it
//! returns, even if Redis lost its data.

use crate::common;

use app::domain::{App, CatalogQuery};
use app::ports::Catalog;
use common::redis::RedisServer;
use famigo::catalog::browse_index::BrowseIndex;
use famigo::redis::change_feed::RedisChangeFeed;
use famigo::sqlite::catalog::SqliteCatalog;
use std::sync::Arc;
use tempfile::TempDir;

async fn node(store: &Arc<SqliteCatalog>, redis: &RedisServer, prefix: &str) -> BrowseIndex {
    let feed = RedisChangeFeed::connect(&redis.url(), prefix).await.expect("feed");
    BrowseIndex::build_following(store.clone(), Arc::new(feed)).await.expect("index")
}

fn first_by_name(page: &app::domain::AppPage) -> (String, String) {
    let app = &page.apps[0];
    (app.slug.clone(), app.name.clone())
}

fn by_name() -> CatalogQuery {
    CatalogQuery::from_query_str("sort=name").unwrap()
}

#[tokio::test]
async fn a_write_through_one_process_shows_in_every_other_at_once() {
    let Some(redis) = RedisServer::start() else { return };
    a_write_shows_in_every_other_process(redis).await;
}

#[tokio::test]
async fn a_write_through_one_process_shows_in_every_other_at_once_over_a_redis_cluster() {
    let Some(cluster) = RedisServer::start_cluster() else { return };
    a_write_shows_in_every_other_process(cluster).await;
}

async fn a_write_shows_in_every_other_process(redis: RedisServer) {
    let dir = TempDir::new().unwrap();
    let store = Arc::new(famigo::sqlite::Sqlite::open(dir.path()).await.unwrap().catalog());
    famigo::catalog::seed::seed(&*store, 60, 3).await.unwrap();
    let (a, b) = (node(&store, &redis, "t1").await, node(&store, &redis, "t1").await);
    let before = b.list(&by_name()).await.unwrap();

    let mut moved: App = store.scan(None, 60).await.unwrap().pop().unwrap();
    moved.name = "Aaa First Now".into();
    a.upsert_many(std::slice::from_ref(&moved)).await.unwrap();
    let after = b.list(&by_name()).await.unwrap();
    assert_ne!(first_by_name(&before).0, moved.slug);
    assert_eq!(first_by_name(&after), (moved.slug.clone(), "Aaa First Now".to_string()), "node B sees node A's write");
    assert_eq!(after.total, 60);

    assert!(b.delete(&moved.slug).await.unwrap());
    let on_a = a.list(&by_name()).await.unwrap();
    assert_eq!(on_a.total, 59, "node A sees node B's delete");
    assert!(on_a.apps.iter().all(|app| app.slug != moved.slug));
    let similar_seed = &on_a.apps[0];
    assert!(a.similar(similar_seed, 10).await.unwrap().iter().all(|app| app.slug != moved.slug));
}

#[tokio::test]
async fn with_the_feed_down_listings_come_from_the_store_then_catch_up() {
    let Some(mut redis) = RedisServer::start() else { return };
    let dir = TempDir::new().unwrap();
    let store = Arc::new(famigo::sqlite::Sqlite::open(dir.path()).await.unwrap().catalog());
    famigo::catalog::seed::seed(&*store, 40, 4).await.unwrap();
    let (a, b) = (node(&store, &redis, "t2").await, node(&store, &redis, "t2").await);
    let mut apps = store.scan(None, 40).await.unwrap();
    // A first write, so the feed has a position both have applied.
    a.upsert_many(&apps[..1]).await.unwrap();
    assert_eq!(b.list(&by_name()).await.unwrap().total, 40);

    redis.stop();
    apps[5].name = "Aaa Written While Redis Was Down".into();
    a.upsert_many(&apps[5..6]).await.unwrap();
    let meanwhile = b.list(&by_name()).await.unwrap();
    assert_eq!(first_by_name(&meanwhile).1, "Aaa Written While Redis Was Down", "answered from the store");

    // Redis comes back empty (no persistence): node A re-records what it could not; node B's
    // index (which never saw the write) must not take the new counter for its old one.
    assert!(redis.restart());
    let mut caught_up = false;
    for _ in 0..50 {
        a.list(&by_name()).await.unwrap(); // A's next read hands the feed the write it missed
        if b.is_current().await.unwrap()
            && first_by_name(&b.list(&by_name()).await.unwrap()).1 == "Aaa Written While Redis Was Down"
        {
            caught_up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(caught_up, "node B's index caught up once Redis was back");
    // And it answers from its index again: a write straight to the store (no feed record) is
    // not visible, which proves the listing no longer reads the store.
    apps[7].name = "Aaa Not Recorded".into();
    store.upsert_many(&apps[7..8]).await.unwrap();
    assert_eq!(first_by_name(&b.list(&by_name()).await.unwrap()).1, "Aaa Written While Redis Was Down");
}
