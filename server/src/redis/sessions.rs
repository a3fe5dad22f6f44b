//! Sessions in Redis, so any node can serve any signed-in parent: one string per session,
//! `<p>:session:<id>` (`<p>` = `REDIS_PREFIX`), the tower-sessions record as JSON, expiring with
//! the record (`EXAT`). Written here on redis-rs because the maintained Redis store for
//! tower-sessions (`tower-sessions-redis-store`) is built on another client, `fred`.

use super::RedisConnection;
use async_trait::async_trait;
use redis::AsyncCommands;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

#[derive(Clone)]
pub struct RedisSessionStore {
    connection: RedisConnection,
    prefix: String,
}

impl std::fmt::Debug for RedisSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisSessionStore").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

fn backend(e: redis::RedisError) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// Which writes `SET` may make: a new session must not replace one (ids are random, but a
/// collision must not sign someone into another's session); a save must not bring back one
/// that was deleted or expired.
#[derive(Clone, Copy)]
enum Only {
    New,
    Existing,
}

impl RedisSessionStore {
    /// On the connection the process already has (`redis_connection`).
    pub fn on(connection: RedisConnection, prefix: &str) -> RedisSessionStore {
        RedisSessionStore { connection, prefix: format!("{prefix}:session") }
    }

    fn key(&self, id: &Id) -> String {
        format!("{}:{id}", self.prefix)
    }

    /// True when written (false: the condition refused it).
    async fn set(&self, record: &Record, only: Only) -> session_store::Result<bool> {
        let json = serde_json::to_string(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let mut set = redis::cmd("SET");
        set.arg(self.key(&record.id)).arg(json).arg("EXAT").arg(record.expiry_date.unix_timestamp());
        set.arg(match only {
            Only::New => "NX",
            Only::Existing => "XX",
        });
        let written: Option<String> = set.query_async(&mut self.connection.clone()).await.map_err(backend)?;
        self.connection.wait_for_replica().await;
        Ok(written.is_some())
    }
}

#[async_trait]
impl SessionStore for RedisSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        while !self.set(record, Only::New).await? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.set(record, Only::Existing).await.map(|_| ())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let json: Option<String> = self.connection.clone().get(self.key(id)).await.map_err(backend)?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| session_store::Error::Decode(e.to_string()))).transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let _: i64 = self.connection.clone().del(self.key(id)).await.map_err(backend)?;
        self.connection.wait_for_replica().await;
        Ok(())
    }
}
