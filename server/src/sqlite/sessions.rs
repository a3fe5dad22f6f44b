//! The embedded session store: tower-sessions records in `DATA_DIR/sessions.db`, so sessions
//! survive a restart. (tower-sessions-sqlx-store targets another sqlx major version.)

use async_trait::async_trait;
use sqlx::SqlitePool;
use std::path::Path;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

#[derive(Clone, Debug)]
pub struct SqliteSessionStore {
    pool: SqlitePool,
}

fn backend(e: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl SqliteSessionStore {
    pub async fn open(data_dir: &Path) -> Result<SqliteSessionStore, sqlx::Error> {
        let pool = super::open_pool(&data_dir.join("sessions.db")).await?;
        sqlx::migrate!("./migrations/sessions").run(&pool).await?;
        Ok(SqliteSessionStore { pool })
    }

    /// Writes the record; with `only_new`, refuses (false) when the id is taken.
    async fn write(&self, record: &Record, only_new: bool) -> session_store::Result<bool> {
        let json = serde_json::to_string(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let sql = if only_new {
            "INSERT INTO sessions (id, record, expires_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING"
        } else {
            "INSERT INTO sessions (id, record, expires_at) VALUES (?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET record = excluded.record, expires_at = excluded.expires_at"
        };
        let done = sqlx::query(sql)
            .bind(record.id.to_string())
            .bind(json)
            .bind(record.expiry_date.unix_timestamp())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }
}

#[async_trait]
impl SessionStore for SqliteSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        while !self.write(record, true).await? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.write(record, false).await.map(|_| ())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let json: Option<String> = sqlx::query_scalar("SELECT record FROM sessions WHERE id = ? AND expires_at > ?")
            .bind(id.to_string())
            .bind(now())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| session_store::Error::Decode(e.to_string()))).transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = ?")
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for SqliteSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
            .bind(now())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
