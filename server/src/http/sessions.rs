//! Where sessions live: Redis when `REDIS_URL` is set (any node can serve any user), the
//! embedded SQLite store otherwise. Cookies are HttpOnly, SameSite=Lax, and Secure when the
//! site is served over https.

use crate::redis::sessions::RedisSessionStore;
use crate::sqlite::sessions::SqliteSessionStore;
use async_trait::async_trait;
use std::time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};

pub const SESSION_COOKIE: &str = "famigo_session";

/// Whether the request carries a session cookie (a signed-in browser, not an anonymous one),
/// read the way the session layer reads it (tower-cookies: each `;`-separated part through
/// `Cookie::parse_encoded`, which trims names), so a cookie the session layer loads is never
/// missed here (`famigo_session =ID` included).
pub fn has_session_cookie(headers: &axum::http::HeaderMap) -> bool {
    headers.get_all(axum::http::header::COOKIE).iter().any(|value| {
        std::str::from_utf8(value.as_bytes()).is_ok_and(|text| {
            text.split(';').any(|part| {
                tower_sessions::cookie::Cookie::parse_encoded(part).is_ok_and(|c| c.name() == SESSION_COOKIE)
            })
        })
    })
}
const IDLE_EXPIRY_DAYS: i64 = 30;

#[derive(Clone, Debug)]
pub enum SessionBackend {
    Redis(RedisSessionStore),
    Sqlite(SqliteSessionStore),
}

impl SessionBackend {
    /// On a connection of its own, keys under the default prefix `famigo`.
    pub async fn redis(url: &str) -> Result<SessionBackend, redis::RedisError> {
        Ok(SessionBackend::on_redis(crate::redis::redis_connection(url)?, "famigo"))
    }

    /// On the connection the process already has (`redis_connection`), keys under `prefix`.
    pub fn on_redis(connection: crate::redis::RedisConnection, prefix: &str) -> SessionBackend {
        SessionBackend::Redis(RedisSessionStore::on(connection, prefix))
    }

    pub async fn sqlite(data_dir: &std::path::Path) -> Result<SessionBackend, sqlx::Error> {
        let store = SqliteSessionStore::open(data_dir).await?;
        tokio::spawn({
            use tower_sessions::session_store::ExpiredDeletion;
            let store = store.clone();
            async move {
                let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
                loop {
                    every_hour.tick().await;
                    if let Err(e) = store.delete_expired().await {
                        tracing::warn!("cannot delete expired sessions: {}", app::ports::Causes(&e));
                    }
                }
            }
        });
        Ok(SessionBackend::Sqlite(store))
    }

    pub fn name(&self) -> &'static str {
        match self {
            SessionBackend::Redis(_) => "redis",
            SessionBackend::Sqlite(_) => "sqlite",
        }
    }

    pub fn layer(self, secure: bool) -> SessionManagerLayer<SessionBackend> {
        SessionManagerLayer::new(self)
            .with_name(SESSION_COOKIE)
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(secure)
            .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::days(IDLE_EXPIRY_DAYS)))
    }
}

#[async_trait]
impl SessionStore for SessionBackend {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            SessionBackend::Redis(s) => s.create(record).await,
            SessionBackend::Sqlite(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            SessionBackend::Redis(s) => s.save(record).await,
            SessionBackend::Sqlite(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            SessionBackend::Redis(s) => s.load(id).await,
            SessionBackend::Sqlite(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            SessionBackend::Redis(s) => s.delete(id).await,
            SessionBackend::Sqlite(s) => s.delete(id).await,
        }
    }
}
