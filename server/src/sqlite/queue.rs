//! The embedded job queue: one SQLite table in `DATA_DIR/jobs.db`. SQLite runs one write at a
//! time, so a claim (an UPDATE of the first due row) can never hand one job to two workers;
//! every later write by the worker is conditioned on its lease token.

use crate::storage::now_ms;
use app::domain::{JobCounts, JobFilter, JobInfo, JobKind, JobList, JobProgress, JobState};
use app::ports::{BackendError, ClaimedJob, JobQueue, Lease, QueueError};
use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};
use std::path::Path;
use std::time::Duration;

pub struct SqliteJobQueue {
    pool: SqlitePool,
}

use super::db_err;

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

const COLUMNS: &str = "id, kind, args, state, attempts, max_attempts, progress_done, progress_total, \
    progress_message, result, last_error, cancel_requested, created_at, started_at, finished_at";

fn job_from_row(row: &SqliteRow) -> Result<JobInfo, QueueError> {
    let kind: String = row.get("kind");
    let state: String = row.get("state");
    let bad = |what: &str, value: &str| {
        QueueError::from(BackendError::other(format!("stored job has an unknown {what} {value:?}")))
    };
    Ok(JobInfo {
        id: row.get("id"),
        kind: JobKind::from_slug(&kind).ok_or_else(|| bad("kind", &kind))?,
        state: JobState::from_slug(&state).ok_or_else(|| bad("state", &state))?,
        args: row.get("args"),
        attempts: row.get::<i64, _>("attempts") as u32,
        max_attempts: row.get::<i64, _>("max_attempts") as u32,
        progress: JobProgress {
            done: row.get::<i64, _>("progress_done") as u64,
            total: row.get::<i64, _>("progress_total") as u64,
            message: row.get("progress_message"),
        },
        result: row.get("result"),
        last_error: row.get("last_error"),
        cancel_requested: row.get::<i64, _>("cancel_requested") != 0,
        created_at: row.get("created_at"),
        started_at: row.get("started_at"),
        finished_at: row.get("finished_at"),
    })
}

impl SqliteJobQueue {
    pub async fn open(data_dir: &Path) -> Result<SqliteJobQueue, QueueError> {
        let pool = super::open_pool(&data_dir.join("jobs.db")).await.map_err(db_err)?;
        sqlx::migrate!("./migrations/jobs").run(&pool).await.map_err(db_err)?;
        Ok(SqliteJobQueue { pool })
    }

    /// Runs a worker-side UPDATE that names the job and its lease token; Lost when no row
    /// matched (the lease moved on).
    async fn fenced(
        &self,
        query: sqlx::query::Query<'_, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    ) -> Result<Lease, QueueError> {
        let done = query.execute(&self.pool).await.map_err(db_err)?;
        Ok(if done.rows_affected() == 1 { Lease::Held { cancel_requested: false } } else { Lease::Lost })
    }

    /// The new job's id; None when `once_key` was taken.
    async fn insert(
        &self,
        kind: JobKind,
        args: &str,
        max_attempts: u32,
        once_key: Option<&str>,
    ) -> Result<Option<String>, QueueError> {
        let id = crate::storage::new_id();
        let now = now_ms();
        let done = sqlx::query(
            "INSERT INTO jobs (id, kind, args, state, max_attempts, run_at, created_at, once_key) \
             VALUES (?, ?, ?, 'queued', ?, ?, ?, ?) ON CONFLICT (once_key) WHERE once_key IS NOT NULL DO NOTHING",
        )
        .bind(&id)
        .bind(kind.slug())
        .bind(args)
        .bind(i64::from(max_attempts.max(1)))
        .bind(now)
        .bind(now)
        .bind(once_key)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok((done.rows_affected() == 1).then_some(id))
    }

    async fn lease_state(&self, id: &str, token: &str) -> Result<Lease, QueueError> {
        let row =
            sqlx::query("SELECT cancel_requested FROM jobs WHERE id = ? AND lease_token = ? AND state = 'running'")
                .bind(id)
                .bind(token)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(match row {
            Some(row) => Lease::Held { cancel_requested: row.get::<i64, _>(0) != 0 },
            None => Lease::Lost,
        })
    }
}

#[async_trait]
impl JobQueue for SqliteJobQueue {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn enqueue(&self, kind: JobKind, args: &str, max_attempts: u32) -> Result<JobInfo, QueueError> {
        let id = self.insert(kind, args, max_attempts, None).await?.expect("no key, no conflict");
        self.get(&id).await?.ok_or_else(|| BackendError::other("enqueued job vanished").into())
    }

    async fn enqueue_once(
        &self,
        kind: JobKind,
        args: &str,
        max_attempts: u32,
        once_key: &str,
    ) -> Result<Option<JobInfo>, QueueError> {
        match self.insert(kind, args, max_attempts, Some(once_key)).await? {
            Some(id) => self.get(&id).await,
            None => Ok(None),
        }
    }

    async fn get(&self, id: &str) -> Result<Option<JobInfo>, QueueError> {
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = ?");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await.map_err(db_err)?;
        row.as_ref().map(job_from_row).transpose()
    }

    async fn list(&self, filter: &JobFilter, page: u32, per_page: u32) -> Result<JobList, QueueError> {
        let page = page.max(1);
        let per_page = per_page.clamp(1, 200);
        let state = filter.state.map(|s| s.slug());
        let kind = filter.kind.map(|k| k.slug());
        let condition = "(?1 IS NULL OR state = ?1) AND (?2 IS NULL OR kind = ?2)";
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE {condition} ORDER BY id DESC LIMIT ?3 OFFSET ?4");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(state)
            .bind(kind)
            .bind(i64::from(per_page))
            .bind(i64::from(page - 1) * i64::from(per_page))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let jobs = rows.iter().map(job_from_row).collect::<Result<Vec<_>, _>>()?;
        let total: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM jobs WHERE {condition}")))
                .bind(state)
                .bind(kind)
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
        let mut counts = JobCounts::default();
        let by_state = sqlx::query("SELECT state, COUNT(*) FROM jobs GROUP BY state")
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        for row in by_state {
            let n = row.get::<i64, _>(1) as u64;
            if let Some(state) = JobState::from_slug(row.get::<&str, _>(0)) {
                counts.set(state, n);
            }
        }
        let now = now_ms();
        let minute = 60_000;
        let since = now - 60 * minute;
        let mut finished_per_minute = vec![0u32; 60];
        let rows = sqlx::query(
            "SELECT (finished_at - ?) / ? AS bucket, COUNT(*) FROM jobs WHERE finished_at > ? GROUP BY bucket",
        )
        .bind(since)
        .bind(minute)
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        for row in rows {
            let bucket = row.get::<i64, _>(0).clamp(0, 59) as usize;
            finished_per_minute[bucket] += row.get::<i64, _>(1) as u32;
        }
        Ok(JobList { jobs, total: total as u64, page, per_page, counts, finished_per_minute })
    }

    async fn cancel(&self, id: &str) -> Result<Option<JobState>, QueueError> {
        let now = now_ms();
        sqlx::query(
            "UPDATE jobs SET state = 'cancelled', finished_at = ? WHERE id = ? AND state IN ('queued', 'failed')",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        sqlx::query("UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND state = 'running'")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(self.get(id).await?.map(|job| job.state))
    }

    async fn retry(&self, id: &str) -> Result<bool, QueueError> {
        let done = sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = 0, run_at = ?, cancel_requested = 0, finished_at = NULL, \
             lease_token = NULL, lease_until = NULL WHERE id = ? AND state IN ('dead', 'cancelled')",
        )
        .bind(now_ms())
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn claim(&self, worker: &str, lease: Duration) -> Result<Option<ClaimedJob>, QueueError> {
        let now = now_ms();
        // A running job whose lease expired lost its worker; if it has no attempt left, it
        // goes dead here instead of running again.
        sqlx::query(
            "UPDATE jobs SET state = 'dead', finished_at = ?, lease_token = NULL, \
             last_error = 'the worker running it stopped answering (lease expired) on its last attempt' \
             WHERE state = 'running' AND lease_until < ? AND attempts >= max_attempts",
        )
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        let token = ulid::Ulid::new().to_string();
        let sql = format!(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_token = ?1, lease_until = ?2, \
             worker = ?3, started_at = ?4, cancel_requested = 0 \
             WHERE id = (SELECT id FROM jobs WHERE (state IN ('queued', 'failed') AND run_at <= ?4) \
                         OR (state = 'running' AND lease_until < ?4) ORDER BY run_at, id LIMIT 1) \
             RETURNING {COLUMNS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&token)
            .bind(now + ms(lease))
            .bind(worker)
            .bind(now)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(match row {
            Some(row) => Some(ClaimedJob { info: job_from_row(&row)?, token }),
            None => None,
        })
    }

    async fn renew(&self, id: &str, token: &str, lease: Duration) -> Result<Lease, QueueError> {
        let held = self
            .fenced(
                sqlx::query("UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_token = ? AND state = 'running'")
                    .bind(now_ms() + ms(lease))
                    .bind(id)
                    .bind(token),
            )
            .await?;
        if held == Lease::Lost {
            return Ok(Lease::Lost);
        }
        self.lease_state(id, token).await
    }

    async fn progress(&self, id: &str, token: &str, progress: &JobProgress) -> Result<Lease, QueueError> {
        let held = self
            .fenced(
                sqlx::query(
                    "UPDATE jobs SET progress_done = ?, progress_total = ?, progress_message = ? \
                     WHERE id = ? AND lease_token = ? AND state = 'running'",
                )
                .bind(progress.done as i64)
                .bind(progress.total as i64)
                .bind(&progress.message)
                .bind(id)
                .bind(token),
            )
            .await?;
        if held == Lease::Lost {
            return Ok(Lease::Lost);
        }
        self.lease_state(id, token).await
    }

    async fn complete(&self, id: &str, token: &str, result: &str) -> Result<Lease, QueueError> {
        self.fenced(
            sqlx::query(
                "UPDATE jobs SET state = 'done', result = ?, finished_at = ?, lease_token = NULL, \
                 progress_done = MAX(progress_done, progress_total) WHERE id = ? AND lease_token = ? AND state = 'running'",
            )
            .bind(result)
            .bind(now_ms())
            .bind(id)
            .bind(token),
        )
        .await
    }

    async fn fail(&self, id: &str, token: &str, error: &str, retry_at: i64) -> Result<Option<JobState>, QueueError> {
        let row = sqlx::query(
            "UPDATE jobs SET last_error = ?1, lease_token = NULL, \
             state = CASE WHEN attempts < max_attempts THEN 'failed' ELSE 'dead' END, \
             run_at = ?2, finished_at = CASE WHEN attempts < max_attempts THEN NULL ELSE ?3 END \
             WHERE id = ?4 AND lease_token = ?5 AND state = 'running' RETURNING state",
        )
        .bind(error)
        .bind(retry_at)
        .bind(now_ms())
        .bind(id)
        .bind(token)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(row.and_then(|r| JobState::from_slug(r.get::<&str, _>(0))))
    }

    async fn cancelled(&self, id: &str, token: &str) -> Result<Lease, QueueError> {
        self.fenced(
            sqlx::query(
                "UPDATE jobs SET state = 'cancelled', finished_at = ?, lease_token = NULL \
                 WHERE id = ? AND lease_token = ? AND state = 'running'",
            )
            .bind(now_ms())
            .bind(id)
            .bind(token),
        )
        .await
    }

    async fn release(&self, id: &str, token: &str) -> Result<Lease, QueueError> {
        self.fenced(
            sqlx::query(
                "UPDATE jobs SET state = 'queued', attempts = MAX(attempts - 1, 0), run_at = ?, lease_token = NULL, \
                 lease_until = NULL WHERE id = ? AND lease_token = ? AND state = 'running'",
            )
            .bind(now_ms())
            .bind(id)
            .bind(token),
        )
        .await
    }

    async fn ping(&self) -> Result<(), QueueError> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(db_err)?;
        Ok(())
    }
}
