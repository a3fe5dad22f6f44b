//! One suite for both session stores: the embedded SQLite store always, Redis against a
//! redis-server started here. Any node must find a session another node wrote.

use crate::common;

use common::redis::RedisServer;
use famigo::http::sessions::SessionBackend;
use tempfile::TempDir;
use tower_sessions::cookie::time::{Duration, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::SessionStore;

struct Harness {
    store: SessionBackend,
    /// A second handle on the same storage, as a second node would have.
    other_node: SessionBackend,
    _dir: Option<TempDir>,
    _redis: Option<RedisServer>,
}

async fn sqlite() -> Option<Harness> {
    let dir = TempDir::new().unwrap();
    let store = SessionBackend::sqlite(dir.path()).await.unwrap();
    let other_node = SessionBackend::sqlite(dir.path()).await.unwrap();
    Some(Harness { store, other_node, _dir: Some(dir), _redis: None })
}

async fn redis() -> Option<Harness> {
    on_redis(RedisServer::start()?).await
}

async fn redis_cluster() -> Option<Harness> {
    on_redis(RedisServer::start_cluster()?).await
}

async fn on_redis(server: RedisServer) -> Option<Harness> {
    let store = SessionBackend::redis(&server.url()).await.unwrap();
    let other_node = SessionBackend::redis(&server.url()).await.unwrap();
    Some(Harness { store, other_node, _dir: None, _redis: Some(server) })
}

fn record(expires_in: Duration) -> Record {
    let mut data = std::collections::HashMap::new();
    data.insert("kids".to_string(), serde_json::json!([{"name": "Maya", "age": 5}]));
    Record { id: Id::default(), data, expiry_date: OffsetDateTime::now_utc() + expires_in }
}

async fn sessions_are_created_read_by_any_node_updated_and_deleted(h: &Harness) {
    let mut session = record(Duration::hours(1));
    h.store.create(&mut session).await.unwrap();
    let loaded = h.other_node.load(&session.id).await.unwrap().expect("the other node reads it");
    assert_eq!(loaded.data, session.data);

    session.data.insert("theme".into(), serde_json::json!("dark"));
    h.other_node.save(&session).await.unwrap();
    assert_eq!(h.store.load(&session.id).await.unwrap().unwrap().data["theme"], "dark");

    h.store.delete(&session.id).await.unwrap();
    assert!(h.other_node.load(&session.id).await.unwrap().is_none());
}

async fn create_never_overwrites_an_existing_session(h: &Harness) {
    let mut first = record(Duration::hours(1));
    h.store.create(&mut first).await.unwrap();
    let mut second = record(Duration::hours(1));
    second.id = first.id;
    second.data.clear();
    h.store.create(&mut second).await.unwrap();
    assert_ne!(second.id, first.id, "a colliding id is replaced");
    assert_eq!(h.store.load(&first.id).await.unwrap().unwrap().data, first.data);
}

async fn expired_sessions_are_not_loaded(h: &Harness) {
    let mut session = record(Duration::seconds(1));
    h.store.create(&mut session).await.unwrap();
    assert!(h.store.load(&session.id).await.unwrap().is_some());
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert!(h.store.load(&session.id).await.unwrap().is_none());
}

common::backend_suite!([embedded: sqlite, with_redis: redis, with_redis_cluster: redis_cluster], [ sessions_are_created_read_by_any_node_updated_and_deleted, create_never_overwrites_an_existing_session, expired_sessions_are_not_loaded ]);
