//! The embedded stores: SQLite files under `DATA_DIR`, each in WAL mode. `catalog.db` holds the
//! catalog, accounts, reviews and uploaded images (one pool, migrations under `migrations/sqlite`); the job queue,
//! mail outbox, sessions and trends each have a file of their own, so a busy queue never waits
//! behind a catalog write.

pub mod accounts;
pub mod catalog;
pub mod media;
pub mod outbox;
mod pool;
pub mod queue;
pub mod reviews;
pub mod sessions;
pub mod trends;

use crate::storage::Migrated;
use accounts::SqliteAccounts;
use app::ports::StoreError;
use catalog::SqliteCatalog;
use media::SqliteMedia;
pub(crate) use pool::db_err;
pub use pool::open_pool;
use reviews::SqliteReviews;
use sqlx::SqlitePool;
use std::path::Path;

/// `catalog.db`: the catalog, accounts and reviews, one pool and one list of migrations.
pub struct Sqlite {
    pool: SqlitePool,
}

impl Sqlite {
    /// Opens (creating if needed) `catalog.db` in `data_dir` and applies pending migrations.
    pub async fn open(data_dir: &Path) -> Result<Sqlite, StoreError> {
        let pool = open_pool(&data_dir.join("catalog.db")).await.map_err(db_err)?;
        let sqlite = Sqlite { pool };
        sqlite.migrate().await?;
        Ok(sqlite)
    }

    /// The catalog (migrations `0001_apps`, `0005_rating_score`).
    pub fn catalog(&self) -> SqliteCatalog {
        SqliteCatalog::new(self.pool.clone())
    }

    /// The accounts kept in this database (migrations `0002_accounts`, `0004_digest_preference`).
    pub fn accounts(&self) -> SqliteAccounts {
        SqliteAccounts::new(self.pool.clone())
    }

    /// Uploaded images (migration `0008_media`).
    pub fn media(&self) -> SqliteMedia {
        SqliteMedia::new(self.pool.clone())
    }

    /// The reviews in this database (migration `0003_reviews` made their tables).
    pub fn reviews(&self) -> SqliteReviews {
        SqliteReviews::new(self.pool.clone())
    }

    /// Applies the migrations under `migrations/sqlite` this file has not had yet (sqlx keeps
    /// the applied versions in `_sqlx_migrations`, one writer at a time).
    pub async fn migrate(&self) -> Result<Migrated, StoreError> {
        let migrator = sqlx::migrate!("./migrations/sqlite");
        let applied_before = self.applied_migrations().await?;
        migrator.run(&self.pool).await.map_err(db_err)?;
        let applied = migrator
            .iter()
            .filter(|m| !applied_before.contains(&m.version))
            .map(|m| m.description.to_string())
            .collect();
        let version = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        Ok(Migrated { version, applied })
    }

    async fn applied_migrations(&self) -> Result<Vec<i64>, StoreError> {
        let table: Option<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        if table.is_none() {
            return Ok(Vec::new());
        }
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| db_err(e).into())
    }

    /// Checkpoints the write-ahead log and closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait::async_trait]
impl crate::storage::Database for Sqlite {
    async fn migrate(&self) -> Result<Migrated, StoreError> {
        Sqlite::migrate(self).await
    }

    async fn close(&self) {
        Sqlite::close(self).await
    }
}
