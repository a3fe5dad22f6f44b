//! Reviews in the embedded store: tables `reviews` and `review_votes` beside the accounts in
//! `DATA_DIR/catalog.db` (migration `0003_reviews`).

use super::db_err;
use crate::storage::new_id;
use app::domain::{Moderation, RatingSummary, Review, ReviewStatus};
use app::ports::{BackendError, ReviewDraft, ReviewError, Reviews};
use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

#[derive(Clone)]
pub struct SqliteReviews {
    pool: SqlitePool,
}

/// Every review column, and the votes counted at read time (they go with their voter).
const SELECT_REVIEW: &str =
    "SELECT r.id, r.app_slug, r.user_id, r.author, r.stars, r.body, r.status, r.reason, r.created_at, r.updated_at, \
     (SELECT COUNT(*) FROM review_votes v WHERE v.review_id = r.id) AS helpful FROM reviews r";

fn review_from_row(row: &SqliteRow) -> Result<Review, ReviewError> {
    let status: String = row.try_get("status").map_err(db_err)?;
    Ok(Review {
        id: row.try_get("id").map_err(db_err)?,
        app_slug: row.try_get("app_slug").map_err(db_err)?,
        user_id: row.try_get("user_id").map_err(db_err)?,
        author: row.try_get("author").map_err(db_err)?,
        stars: row.try_get::<i64, _>("stars").map_err(db_err)?.clamp(1, 5) as u8,
        text: row.try_get("body").map_err(db_err)?,
        status: ReviewStatus::from_slug(&status).ok_or_else(|| {
            ReviewError::from(BackendError::other(format!("unknown review status {status:?} in store")))
        })?,
        reason: row.try_get("reason").map_err(db_err)?,
        helpful: row.try_get::<i64, _>("helpful").map_err(db_err)? as u32,
        created_at: row.try_get("created_at").map_err(db_err)?,
        updated_at: row.try_get("updated_at").map_err(db_err)?,
    })
}

impl SqliteReviews {
    pub fn new(pool: SqlitePool) -> SqliteReviews {
        SqliteReviews { pool }
    }

    async fn one(&self, condition: &str, binds: &[&str]) -> Result<Option<Review>, ReviewError> {
        let sql = format!("{SELECT_REVIEW} WHERE {condition}");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for value in binds {
            query = query.bind(*value);
        }
        query.fetch_optional(&self.pool).await.map_err(db_err)?.as_ref().map(review_from_row).transpose()
    }

    async fn page(
        &self,
        condition: &str,
        bind: &str,
        offset: u64,
        limit: u32,
    ) -> Result<(Vec<Review>, u64), ReviewError> {
        let sql = format!("{SELECT_REVIEW} WHERE {condition} ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(bind)
            .bind(i64::from(limit))
            .bind(offset.min(i64::MAX as u64) as i64)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let count_sql = format!("SELECT COUNT(*) FROM reviews r WHERE {condition}");
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
            .bind(bind)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        Ok((rows.iter().map(review_from_row).collect::<Result<_, _>>()?, total as u64))
    }
}

/// Writes `draft` (a new review, or the author's own replaced); its id, or None when the author
/// has no account.
fn upsert(draft: &ReviewDraft) -> sqlx::query::QueryScalar<'_, sqlx::Sqlite, String, sqlx::sqlite::SqliteArguments> {
    let now = chrono::Utc::now().timestamp_millis();
    sqlx::query_scalar(
        "INSERT INTO reviews (id, app_slug, user_id, author, stars, body, status, reason, created_at, updated_at) \
         SELECT ?, ?, id, ?, ?, ?, ?, ?, ?, ? FROM users WHERE id = ? \
         ON CONFLICT (user_id, app_slug) DO UPDATE SET author = excluded.author, stars = excluded.stars, body = excluded.body, \
         status = excluded.status, reason = excluded.reason, updated_at = excluded.updated_at \
         RETURNING id",
    )
    .bind(new_id())
    .bind(&draft.app_slug)
    .bind(&draft.author)
    .bind(i64::from(draft.review.stars))
    .bind(&draft.review.text)
    .bind(draft.status.slug())
    .bind(&draft.reason)
    .bind(now)
    .bind(now)
    .bind(&draft.user_id)
}

#[async_trait]
impl Reviews for SqliteReviews {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn put_review(&self, draft: &ReviewDraft) -> Result<Review, ReviewError> {
        let id: Option<String> = upsert(draft).fetch_optional(&self.pool).await.map_err(db_err)?;
        let Some(id) = id else {
            return Err(ReviewError::NoSuchAuthor(draft.user_id.clone()));
        };
        self.review(&id).await?.ok_or_else(|| BackendError::other("a review vanished as it was written").into())
    }

    async fn put_reviews(&self, drafts: &[ReviewDraft]) -> Result<usize, ReviewError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        for draft in drafts {
            if upsert(draft).fetch_optional(&mut *tx).await.map_err(db_err)?.is_none() {
                return Err(ReviewError::NoSuchAuthor(draft.user_id.clone()));
            }
        }
        tx.commit().await.map_err(db_err)?;
        Ok(drafts.len())
    }

    async fn review(&self, id: &str) -> Result<Option<Review>, ReviewError> {
        self.one("r.id = ?", &[id]).await
    }

    async fn user_review(&self, user_id: &str, app_slug: &str) -> Result<Option<Review>, ReviewError> {
        self.one("r.user_id = ? AND r.app_slug = ?", &[user_id, app_slug]).await
    }

    async fn delete_review(&self, user_id: &str, id: &str) -> Result<Option<Review>, ReviewError> {
        let Some(review) = self.one("r.id = ? AND r.user_id = ?", &[id, user_id]).await? else {
            return Ok(None);
        };
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        sqlx::query("DELETE FROM review_votes WHERE review_id = ?").bind(id).execute(&mut *tx).await.map_err(db_err)?;
        let done = sqlx::query("DELETE FROM reviews WHERE id = ? AND user_id = ?")
            .bind(id)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok((done.rows_affected() > 0).then_some(review))
    }

    async fn app_reviews(&self, app_slug: &str, offset: u64, limit: u32) -> Result<(Vec<Review>, u64), ReviewError> {
        self.page("r.app_slug = ? AND r.status = 'published'", app_slug, offset, limit).await
    }

    async fn vote_helpful(&self, user_id: &str, id: &str) -> Result<Option<u32>, ReviewError> {
        sqlx::query(
            "INSERT INTO review_votes (review_id, user_id) SELECT r.id, u.id FROM reviews r, users u \
             WHERE r.id = ? AND r.status = 'published' AND u.id = ? ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(user_id)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(self.one("r.id = ? AND r.status = 'published'", &[id]).await?.map(|r| r.helpful))
    }

    async fn rating(&self, app_slug: &str) -> Result<RatingSummary, ReviewError> {
        let (sum, count): (Option<i64>, i64) =
            sqlx::query_as("SELECT SUM(stars), COUNT(*) FROM reviews WHERE app_slug = ? AND status = 'published'")
                .bind(app_slug)
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(RatingSummary::from_sum(sum.unwrap_or(0) as u64, count as u32))
    }

    async fn ratings(&self) -> Result<Vec<(String, RatingSummary)>, ReviewError> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT app_slug, COALESCE(SUM(CASE WHEN status = 'published' THEN stars END), 0), \
             COUNT(CASE WHEN status = 'published' THEN 1 END) FROM reviews GROUP BY app_slug ORDER BY app_slug",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|(slug, sum, count)| (slug, RatingSummary::from_sum(sum as u64, count as u32)))
            .collect())
    }

    async fn by_status(
        &self,
        status: ReviewStatus,
        offset: u64,
        limit: u32,
    ) -> Result<(Vec<Review>, u64), ReviewError> {
        self.page("r.status = ?", status.slug(), offset, limit).await
    }

    async fn moderate(&self, id: &str, decision: &Moderation) -> Result<Option<Review>, ReviewError> {
        sqlx::query("UPDATE reviews SET status = ?, reason = ? WHERE id = ?")
            .bind(decision.status().slug())
            .bind(decision.reason())
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        self.review(id).await
    }

    async fn delete_user_reviews(&self, user_id: &str) -> Result<Vec<String>, ReviewError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let mut apps: Vec<String> = sqlx::query_scalar(
            "SELECT r.app_slug FROM reviews r WHERE r.user_id = ? \
             UNION SELECT r.app_slug FROM review_votes v JOIN reviews r ON r.id = v.review_id WHERE v.user_id = ?",
        )
        .bind(user_id)
        .bind(user_id)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        sqlx::query(
            "DELETE FROM review_votes WHERE user_id = ? OR review_id IN (SELECT id FROM reviews WHERE user_id = ?)",
        )
        .bind(user_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        sqlx::query("DELETE FROM reviews WHERE user_id = ?").bind(user_id).execute(&mut *tx).await.map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        apps.sort();
        apps.dedup();
        Ok(apps)
    }
}
