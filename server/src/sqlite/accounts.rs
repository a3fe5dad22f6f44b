//! The embedded account store: tables beside the catalog's in `DATA_DIR/catalog.db`
//! (migration `0002_accounts`), so one backup holds the whole site.

use super::db_err;
use crate::storage::{new_id, new_stamp};
use app::domain::{Kid, NewKid, Role, User, MAX_KIDS};
use app::ports::{AccountError, Accounts, BackendError, NewUser, PasswordHash, UserRecord};
use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

#[derive(Clone)]
pub struct SqliteAccounts {
    pool: SqlitePool,
}

fn kid_from_row(row: &SqliteRow) -> Result<Kid, AccountError> {
    Ok(Kid {
        id: row.try_get("id").map_err(db_err)?,
        nickname: row.try_get("nickname").map_err(db_err)?,
        birth_year: row.try_get::<i64, _>("birth_year").map_err(db_err)? as u16,
    })
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

const USER_COLUMNS: &str = "id, email, display_name, password_hash, role, session_stamp, created_at, digest";

fn user_from_row(row: &SqliteRow) -> Result<UserRecord, AccountError> {
    let role: String = row.try_get("role").map_err(db_err)?;
    Ok(UserRecord {
        user: User {
            id: row.try_get("id").map_err(db_err)?,
            email: row.try_get("email").map_err(db_err)?,
            display_name: row.try_get("display_name").map_err(db_err)?,
            role: Role::from_slug(&role)
                .ok_or_else(|| AccountError::from(BackendError::other(format!("unknown role {role:?} in store"))))?,
            created_at: row.try_get("created_at").map_err(db_err)?,
            digest: row.try_get("digest").map_err(db_err)?,
        },
        password_hash: PasswordHash(row.try_get("password_hash").map_err(db_err)?),
        session_stamp: row.try_get("session_stamp").map_err(db_err)?,
    })
}

impl SqliteAccounts {
    /// The accounts in the catalog's database (`SqliteCatalog::pool`), migrated with it.
    pub fn new(pool: SqlitePool) -> SqliteAccounts {
        SqliteAccounts { pool }
    }

    async fn user_where(&self, column: &str, value: &str) -> Result<Option<UserRecord>, AccountError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE {column} = ?");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(value).fetch_optional(&self.pool).await.map_err(db_err)?;
        row.as_ref().map(user_from_row).transpose()
    }
}

#[async_trait]
impl Accounts for SqliteAccounts {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn create_user(&self, new: &NewUser) -> Result<User, AccountError> {
        let user = User {
            id: new_id(),
            email: new.email.clone(),
            display_name: new.display_name.clone(),
            role: new.role,
            created_at: chrono::Utc::now().timestamp_millis(),
            digest: true,
        };
        let inserted = sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, role, session_stamp, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&user.id)
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(&new.password_hash.0)
        .bind(user.role.slug())
        .bind(new_stamp())
        .bind(user.created_at)
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => Ok(user),
            Err(e) if is_unique_violation(&e) => Err(AccountError::EmailTaken),
            Err(e) => Err(db_err(e).into()),
        }
    }

    async fn user(&self, id: &str) -> Result<Option<UserRecord>, AccountError> {
        self.user_where("id", id).await
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, AccountError> {
        self.user_where("email", email).await
    }

    async fn set_password(&self, id: &str, hash: &PasswordHash) -> Result<bool, AccountError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let done = sqlx::query("UPDATE users SET password_hash = ?, session_stamp = ? WHERE id = ?")
            .bind(&hash.0)
            .bind(new_stamp())
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query("DELETE FROM password_resets WHERE user_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_role(&self, id: &str, role: Role) -> Result<bool, AccountError> {
        let done = sqlx::query("UPDATE users SET role = ? WHERE id = ?")
            .bind(role.slug())
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_digest(&self, id: &str, on: bool) -> Result<bool, AccountError> {
        let done = sqlx::query("UPDATE users SET digest = ? WHERE id = ?")
            .bind(on)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_user(&self, id: &str) -> Result<bool, AccountError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        for table in ["kids", "favorites", "password_resets"] {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE user_id = ?")))
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        let done = sqlx::query("DELETE FROM users WHERE id = ?").bind(id).execute(&mut *tx).await.map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn add_kid(&self, user_id: &str, kid: &NewKid) -> Result<Option<Kid>, AccountError> {
        // One transaction, begun as a writer (BEGIN IMMEDIATE semantics come from the first
        // write below), so two concurrent adds cannot both pass the limit.
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let stored = Kid { id: new_id(), nickname: kid.nickname.clone(), birth_year: kid.birth_year };
        let inserted = sqlx::query(
            "INSERT INTO kids (id, user_id, nickname, birth_year) SELECT ?, id, ?, ? FROM users WHERE id = ?",
        )
        .bind(&stored.id)
        .bind(&stored.nickname)
        .bind(i64::from(stored.birth_year))
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        if inserted.rows_affected() == 0 {
            return Ok(None);
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM kids WHERE user_id = ?")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        if count as usize > MAX_KIDS {
            tx.rollback().await.map_err(db_err)?;
            return Err(AccountError::TooManyKids(MAX_KIDS));
        }
        tx.commit().await.map_err(db_err)?;
        Ok(Some(stored))
    }

    async fn kids(&self, user_id: &str) -> Result<Vec<Kid>, AccountError> {
        let rows = sqlx::query("SELECT id, nickname, birth_year FROM kids WHERE user_id = ? ORDER BY id")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(kid_from_row).collect()
    }

    async fn remove_kid(&self, user_id: &str, kid_id: &str) -> Result<bool, AccountError> {
        let done = sqlx::query("DELETE FROM kids WHERE id = ? AND user_id = ?")
            .bind(kid_id)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn add_favorite(&self, user_id: &str, slug: &str) -> Result<bool, AccountError> {
        let done = sqlx::query("INSERT INTO favorites (user_id, slug, added) SELECT id, ?, ? FROM users WHERE id = ? ON CONFLICT DO NOTHING")
            .bind(slug)
            .bind(new_id())
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        if done.rows_affected() > 0 {
            return Ok(true);
        }
        Ok(self.user(user_id).await?.is_some())
    }

    async fn remove_favorite(&self, user_id: &str, slug: &str) -> Result<bool, AccountError> {
        let done = sqlx::query("DELETE FROM favorites WHERE user_id = ? AND slug = ?")
            .bind(user_id)
            .bind(slug)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn favorites(&self, user_id: &str) -> Result<Vec<String>, AccountError> {
        sqlx::query_scalar("SELECT slug FROM favorites WHERE user_id = ? ORDER BY added DESC")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| db_err(e).into())
    }

    async fn family_favorites(&self, from: u16, to: u16, limit: usize) -> Result<Vec<(String, u64)>, AccountError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT slug, COUNT(*) AS families FROM favorites \
             WHERE user_id IN (SELECT DISTINCT user_id FROM kids WHERE birth_year BETWEEN ? AND ?) \
             GROUP BY slug ORDER BY families DESC, slug LIMIT ?",
        )
        .bind(i64::from(from))
        .bind(i64::from(to))
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.into_iter().map(|(slug, n)| (slug, n as u64)).collect())
    }

    async fn users_page(&self, after: Option<&str>, limit: usize) -> Result<Vec<(UserRecord, Vec<Kid>)>, AccountError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id > ? ORDER BY id LIMIT ?");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(after.unwrap_or(""))
            .bind(limit as i64)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let users = rows.iter().map(user_from_row).collect::<Result<Vec<UserRecord>, AccountError>>()?;
        let (Some(first), Some(last)) = (users.first(), users.last()) else { return Ok(Vec::new()) };
        let (first, last) = (&first.user, &last.user);
        // The page's kids in one query: users are read in id order, so theirs lie between the
        // first id and the last.
        let kid_rows = sqlx::query("SELECT user_id, id, nickname, birth_year FROM kids WHERE user_id >= ? AND user_id <= ? ORDER BY user_id, id")
            .bind(&first.id)
            .bind(&last.id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let mut kids: std::collections::HashMap<String, Vec<Kid>> = std::collections::HashMap::new();
        for row in &kid_rows {
            kids.entry(row.try_get("user_id").map_err(db_err)?).or_default().push(kid_from_row(row)?);
        }
        Ok(users
            .into_iter()
            .map(|record| {
                let theirs = kids.remove(&record.user.id).unwrap_or_default();
                (record, theirs)
            })
            .collect())
    }

    async fn put_reset_token(&self, user_id: &str, token_hash: &str, expires_at: i64) -> Result<(), AccountError> {
        sqlx::query(
            "INSERT INTO password_resets (token_hash, user_id, expires_at) SELECT ?, id, ? FROM users WHERE id = ?",
        )
        .bind(token_hash)
        .bind(expires_at)
        .bind(user_id)
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(|e| db_err(e).into())
    }

    async fn take_reset_token(&self, token_hash: &str, now: i64) -> Result<Option<String>, AccountError> {
        // One statement: of two requests with the same token, one gets the row.
        let taken: Option<(String, i64)> =
            sqlx::query_as("DELETE FROM password_resets WHERE token_hash = ? RETURNING user_id, expires_at")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        sqlx::query("DELETE FROM password_resets WHERE expires_at <= ?")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(taken.filter(|(_, expires_at)| *expires_at > now).map(|(user_id, _)| user_id))
    }

    async fn ping(&self) -> Result<(), AccountError> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ()).map_err(|e| db_err(e).into())
    }
}
