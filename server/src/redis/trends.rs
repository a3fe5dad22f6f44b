//! Trends shared by every node: a Redis hash of views per day (`<p>:views:<YYYY-MM-DD>`, slug →
//! count, kept 60 days) and the latest lists as JSON (`<p>:trending`), `<p>` = `REDIS_PREFIX` +
//! `:trends`.

use super::RedisConnection;
use app::domain::TrendingLists;
use app::ports::{BackendError, Trends, TrendsError};
use async_trait::async_trait;
use chrono::NaiveDate;
use redis::AsyncCommands;
use std::collections::HashMap;

const KEEP_SECONDS: i64 = 60 * 24 * 3600;

pub struct RedisTrends {
    connection: RedisConnection,
    prefix: String,
}

fn failed(e: redis::RedisError) -> TrendsError {
    super::redis_err(e).into()
}

impl RedisTrends {
    /// Connects its own client (retrying in the background if Redis is down; calls fail meanwhile).
    pub async fn connect(url: &str, prefix: &str) -> Result<RedisTrends, TrendsError> {
        Ok(Self::on(super::redis_connection(url).map_err(failed)?, prefix))
    }

    /// On the connection the process already has (`redis_connection`).
    pub fn on(connection: RedisConnection, prefix: &str) -> RedisTrends {
        RedisTrends { connection, prefix: format!("{prefix}:trends") }
    }

    fn day_key(&self, day: NaiveDate) -> String {
        format!("{}:views:{day}", self.prefix)
    }
}

#[async_trait]
impl Trends for RedisTrends {
    fn backend(&self) -> &'static str {
        "redis"
    }

    async fn record_views(&self, day: NaiveDate, views: &[(String, u64)]) -> Result<(), TrendsError> {
        if views.is_empty() {
            return Ok(());
        }
        let key = self.day_key(day);
        let mut tx = redis::pipe();
        tx.atomic();
        for (slug, count) in views {
            tx.hincr(&key, slug.as_str(), i64::try_from(*count).unwrap_or(i64::MAX)).ignore();
        }
        tx.expire(&key, KEEP_SECONDS).ignore();
        let () = tx.query_async(&mut self.connection.clone()).await.map_err(failed)?;
        Ok(())
    }

    async fn views_between(&self, from: NaiveDate, to: NaiveDate) -> Result<HashMap<String, u64>, TrendsError> {
        let mut total: HashMap<String, u64> = HashMap::new();
        let mut day = from;
        while day <= to {
            let counts: HashMap<String, u64> =
                self.connection.clone().hgetall(self.day_key(day)).await.map_err(failed)?;
            for (slug, views) in counts {
                *total.entry(slug).or_default() += views;
            }
            day = day.succ_opt().ok_or_else(|| TrendsError(BackendError::other("date out of range")))?;
        }
        Ok(total)
    }

    async fn save_trending(&self, lists: &TrendingLists) -> Result<(), TrendsError> {
        let json = serde_json::to_string(lists).map_err(|e| TrendsError(BackendError::other(e)))?;
        let () = self.connection.clone().set(format!("{}:trending", self.prefix), json).await.map_err(failed)?;
        Ok(())
    }

    async fn trending(&self) -> Result<Option<TrendingLists>, TrendsError> {
        let json: Option<String> =
            self.connection.clone().get(format!("{}:trending", self.prefix)).await.map_err(failed)?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| TrendsError(BackendError::other(e)))).transpose()
    }
}
