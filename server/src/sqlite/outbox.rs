//! The embedded mail outbox: one SQLite table in `DATA_DIR/outbox.db`. A claim is one UPDATE
//! that pushes the due time of the mails it takes past the lease, so two deliverers never
//! take the same mail while its lease lasts.

use crate::storage::now_ms;
use app::domain::{hide_link_tokens, Mail, MailState, NewMail, MAIL_MAX_ATTEMPTS};
use app::ports::{BackendError, Outbox, OutboxError};
use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};
use std::path::Path;
use std::time::Duration;

pub struct SqliteOutbox {
    pool: SqlitePool,
}

use super::db_err;

const COLUMNS: &str = "id, dedup_key, recipient, subject, body, state, attempts, last_error, created_at, sent_at";

fn mail_from_row(row: &SqliteRow) -> Result<Mail, OutboxError> {
    let state: String = row.get("state");
    Ok(Mail {
        id: row.get("id"),
        key: row.get("dedup_key"),
        to: row.get("recipient"),
        subject: row.get("subject"),
        body: row.get("body"),
        state: MailState::from_slug(&state)
            .ok_or_else(|| BackendError::other(format!("stored mail has an unknown state {state:?}")))?,
        attempts: row.get::<i64, _>("attempts") as u32,
        last_error: row.get("last_error"),
        created_at: row.get("created_at"),
        sent_at: row.get("sent_at"),
    })
}

impl SqliteOutbox {
    pub async fn open(data_dir: &Path) -> Result<SqliteOutbox, OutboxError> {
        let pool = super::open_pool(&data_dir.join("outbox.db")).await.map_err(db_err)?;
        sqlx::migrate!("./migrations/outbox").run(&pool).await.map_err(db_err)?;
        Ok(SqliteOutbox { pool })
    }
}

#[async_trait]
impl Outbox for SqliteOutbox {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn put(&self, mail: &NewMail) -> Result<bool, OutboxError> {
        let now = now_ms();
        let done = sqlx::query(
            "INSERT INTO mail (id, dedup_key, recipient, subject, body, state, due_at, created_at) \
             VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (dedup_key) DO NOTHING",
        )
        .bind(crate::storage::new_id())
        .bind(&mail.key)
        .bind(&mail.to)
        .bind(&mail.subject)
        .bind(&mail.body)
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn claim(&self, limit: usize, lease: Duration) -> Result<Vec<Mail>, OutboxError> {
        let now = now_ms();
        let sql = format!(
            "UPDATE mail SET due_at = ?1 WHERE id IN \
             (SELECT id FROM mail WHERE state = 'pending' AND due_at <= ?2 ORDER BY due_at, id LIMIT ?3) \
             RETURNING {COLUMNS}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 2))
            .bind(now)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let mut mails = rows.iter().map(mail_from_row).collect::<Result<Vec<_>, _>>()?;
        mails.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(mails)
    }

    async fn sent(&self, id: &str) -> Result<(), OutboxError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let body: Option<String> = sqlx::query_scalar(
            "UPDATE mail SET state = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ? AND state = 'pending' \
             RETURNING body",
        )
        .bind(now_ms())
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        // Delivered: the links that act for the reader (reset, unsubscribe) have no more use here.
        if let Some(body) = body {
            sqlx::query("UPDATE mail SET body = ? WHERE id = ?")
                .bind(hide_link_tokens(&body))
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(())
    }

    async fn failed(&self, id: &str, error: &str, retry_at: Option<i64>) -> Result<MailState, OutboxError> {
        let row = sqlx::query(
            "UPDATE mail SET attempts = attempts + 1, last_error = ?1, due_at = ?2, \
             state = CASE WHEN attempts + 1 >= ?3 THEN 'failed' ELSE 'pending' END \
             WHERE id = ?4 AND state = 'pending' RETURNING state",
        )
        .bind(error)
        .bind(retry_at.unwrap_or(0))
        .bind(if retry_at.is_some() { i64::from(MAIL_MAX_ATTEMPTS) } else { 0 })
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        let state: String = match row {
            Some(row) => row.get(0),
            None => return Err(BackendError::other(format!("no pending mail {id}")).into()),
        };
        MailState::from_slug(&state)
            .ok_or_else(|| OutboxError::from(BackendError::other(format!("unknown state {state:?}"))))
    }

    async fn recent(&self, limit: usize) -> Result<Vec<Mail>, OutboxError> {
        let sql = format!("SELECT {COLUMNS} FROM mail ORDER BY id DESC LIMIT ?");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(mail_from_row).collect()
    }

    async fn ping(&self) -> Result<(), OutboxError> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(db_err)?;
        Ok(())
    }
}
