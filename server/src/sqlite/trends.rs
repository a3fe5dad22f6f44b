//! Embedded trends: views per (day, app) and the latest trending lists in `DATA_DIR/trends.db`.

use super::db_err;
use app::domain::TrendingLists;
use app::ports::{BackendError, Trends, TrendsError};
use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::{Row, SqlitePool};
use std::collections::HashMap;
use std::path::Path;

/// Days of views kept.
const KEEP_DAYS: u64 = 60;

pub struct SqliteTrends {
    pool: SqlitePool,
}

impl SqliteTrends {
    pub async fn open(data_dir: &Path) -> Result<SqliteTrends, TrendsError> {
        let pool = super::open_pool(&data_dir.join("trends.db")).await.map_err(db_err)?;
        sqlx::migrate!("./migrations/trends").run(&pool).await.map_err(db_err)?;
        Ok(SqliteTrends { pool })
    }
}

#[async_trait]
impl Trends for SqliteTrends {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn record_views(&self, day: NaiveDate, views: &[(String, u64)]) -> Result<(), TrendsError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        for (slug, count) in views {
            sqlx::query("INSERT INTO app_views (day, slug, views) VALUES (?, ?, ?) ON CONFLICT (day, slug) DO UPDATE SET views = views + excluded.views")
                .bind(day.to_string())
                .bind(slug)
                .bind(i64::try_from(*count).unwrap_or(i64::MAX))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        if let Some(oldest) = day.checked_sub_days(chrono::Days::new(KEEP_DAYS)) {
            sqlx::query("DELETE FROM app_views WHERE day < ?")
                .bind(oldest.to_string())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(|e| db_err(e).into())
    }

    async fn views_between(&self, from: NaiveDate, to: NaiveDate) -> Result<HashMap<String, u64>, TrendsError> {
        let rows = sqlx::query("SELECT slug, SUM(views) FROM app_views WHERE day BETWEEN ? AND ? GROUP BY slug")
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1).max(0) as u64)).collect())
    }

    async fn save_trending(&self, lists: &TrendingLists) -> Result<(), TrendsError> {
        let json = serde_json::to_string(lists).map_err(|e| TrendsError(BackendError::other(e)))?;
        sqlx::query(
            "INSERT INTO trending (id, lists) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET lists = excluded.lists",
        )
        .bind(json)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn trending(&self) -> Result<Option<TrendingLists>, TrendsError> {
        let json: Option<String> = sqlx::query_scalar("SELECT lists FROM trending WHERE id = 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| TrendsError(BackendError::other(e)))).transpose()
    }
}
