//! The mail outbox shared by every node: each mail a Redis hash, with a sorted set of the
//! pending ones by due time. A claim is one Lua script that pushes the due time of the mails it
//! takes past the lease, so two deliverers never take the same mail while its lease lasts.
//!
//! Keys under `<p>` = `{` + `REDIS_PREFIX` + `:outbox}` (one cluster slot, for the scripts): `<p>:mail:<id>` (hash), `<p>:due` (id → due
//! at), `<p>:all` (id → created at), `<p>:key:<key>` (→ id). Sent and failed mails (and their keys)
//! expire after 30 days. Times are unix milliseconds.

use super::RedisConnection;
use crate::storage::now_ms;
use app::domain::{hide_link_tokens, Mail, MailState, NewMail, MAIL_MAX_ATTEMPTS};
use app::ports::{BackendError, Outbox, OutboxError};
use async_trait::async_trait;
use redis::{AsyncCommands, FromRedisValue, Script};
use std::collections::HashMap;
use std::sync::LazyLock;
use std::time::Duration;

const KEEP_MS: i64 = 30 * 24 * 3600 * 1000;

/// ARGV: prefix, id, key, to, subject, body, now. Returns 0 when the key was taken.
const PUT: &str = r#"
local p, id, now = ARGV[1], ARGV[2], ARGV[7]
if not redis.call('SET', p .. ':key:' .. ARGV[3], id, 'NX') then return 0 end
redis.call('HSET', p .. ':mail:' .. id, 'id', id, 'key', ARGV[3], 'to', ARGV[4], 'subject', ARGV[5],
  'body', ARGV[6], 'state', 'pending', 'attempts', 0, 'created_at', now)
redis.call('ZADD', p .. ':due', now, id)
redis.call('ZADD', p .. ':all', now, id)
return 1
"#;

/// ARGV: prefix, now, lease until, limit. Returns the claimed ids.
const CLAIM: &str = r#"
local p = ARGV[1]
local ids = redis.call('ZRANGEBYSCORE', p .. ':due', '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[4]))
for _, id in ipairs(ids) do redis.call('ZADD', p .. ':due', ARGV[3], id) end
return ids
"#;

/// ARGV: prefix, id, outcome (sent | failed), now, error, retry at, max attempts, keep ms, and
/// for a sent mail the body to keep (its link tokens hidden). Returns the new state, or false
/// when the mail was not pending.
const FINISH: &str = r#"
local p, id, now = ARGV[1], ARGV[2], ARGV[4]
local mail = p .. ':mail:' .. id
if redis.call('HGET', mail, 'state') ~= 'pending' then return false end
local attempts = redis.call('HINCRBY', mail, 'attempts', 1)
local state = 'pending'
if ARGV[3] == 'sent' then
  state = 'sent'
  redis.call('HSET', mail, 'sent_at', now, 'body', ARGV[9])
else
  redis.call('HSET', mail, 'last_error', ARGV[5])
  if attempts >= tonumber(ARGV[7]) then state = 'failed' end
end
redis.call('HSET', mail, 'state', state)
if state == 'pending' then
  redis.call('ZADD', p .. ':due', ARGV[6], id)
else
  redis.call('ZREM', p .. ':due', id)
  redis.call('PEXPIRE', mail, ARGV[8])
  redis.call('PEXPIRE', p .. ':key:' .. redis.call('HGET', mail, 'key'), ARGV[8])
end
return state
"#;

static PUT_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(PUT));
static CLAIM_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(CLAIM));
static FINISH_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(FINISH));

pub struct RedisOutbox {
    connection: RedisConnection,
    prefix: String,
}

fn unavailable(e: redis::RedisError) -> OutboxError {
    super::redis_err(e).into()
}

fn mail_from_hash(mut fields: HashMap<String, String>) -> Result<Mail, OutboxError> {
    let mut take = |name: &str| fields.remove(name);
    let state = take("state").unwrap_or_default();
    Ok(Mail {
        id: take("id").unwrap_or_default(),
        key: take("key").unwrap_or_default(),
        to: take("to").unwrap_or_default(),
        subject: take("subject").unwrap_or_default(),
        body: take("body").unwrap_or_default(),
        state: MailState::from_slug(&state).ok_or_else(|| {
            OutboxError::Backend(BackendError::other(format!("stored mail has an unknown state {state:?}")))
        })?,
        attempts: take("attempts").and_then(|v| v.parse().ok()).unwrap_or(0),
        last_error: take("last_error"),
        created_at: take("created_at").and_then(|v| v.parse().ok()).unwrap_or(0),
        sent_at: take("sent_at").and_then(|v| v.parse().ok()),
    })
}

impl RedisOutbox {
    /// Connects its own client (retrying in the background if Redis is down; calls fail meanwhile).
    pub async fn connect(url: &str, prefix: &str) -> Result<RedisOutbox, OutboxError> {
        Ok(Self::on(super::redis_connection(url).map_err(unavailable)?, prefix))
    }

    /// On the connection the process already has (`redis_connection`), shared with the other adapters.
    pub fn on(connection: RedisConnection, prefix: &str) -> RedisOutbox {
        RedisOutbox { connection, prefix: super::slot(&format!("{prefix}:outbox")) }
    }

    async fn script<R: FromRedisValue>(&self, script: &Script, args: Vec<String>) -> Result<R, OutboxError> {
        super::run_with_prefix(&self.connection, script, &self.prefix, args).await.map_err(unavailable)
    }

    async fn get(&self, id: &str) -> Result<Option<Mail>, OutboxError> {
        let fields: HashMap<String, String> =
            self.connection.clone().hgetall(format!("{}:mail:{id}", self.prefix)).await.map_err(unavailable)?;
        if fields.is_empty() {
            return Ok(None);
        }
        mail_from_hash(fields).map(Some)
    }

    async fn get_all(&self, ids: Vec<String>) -> Result<Vec<Mail>, OutboxError> {
        let mut mails = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(mail) = self.get(&id).await? {
                mails.push(mail);
            }
        }
        Ok(mails)
    }

    async fn finish(
        &self,
        id: &str,
        outcome: &str,
        error: &str,
        retry_at: Option<i64>,
        body_kept: String,
    ) -> Result<MailState, OutboxError> {
        let args = vec![
            id.into(),
            outcome.into(),
            now_ms().to_string(),
            error.into(),
            retry_at.unwrap_or(0).to_string(),
            if retry_at.is_some() { MAIL_MAX_ATTEMPTS } else { 0 }.to_string(),
            KEEP_MS.to_string(),
            body_kept,
        ];
        let state: Option<String> = self.script(&FINISH_SCRIPT, args).await?;
        let state = state.ok_or_else(|| OutboxError::Backend(BackendError::other(format!("no pending mail {id}"))))?;
        MailState::from_slug(&state)
            .ok_or_else(|| OutboxError::Backend(BackendError::other(format!("unknown state {state:?}"))))
    }
}

#[async_trait]
impl Outbox for RedisOutbox {
    fn backend(&self) -> &'static str {
        "redis"
    }

    async fn put(&self, mail: &NewMail) -> Result<bool, OutboxError> {
        let id = crate::storage::new_id();
        let args =
            vec![id, mail.key.clone(), mail.to.clone(), mail.subject.clone(), mail.body.clone(), now_ms().to_string()];
        let stored: i64 = self.script(&PUT_SCRIPT, args).await?;
        Ok(stored == 1)
    }

    async fn claim(&self, limit: usize, lease: Duration) -> Result<Vec<Mail>, OutboxError> {
        let now = now_ms();
        let until = now + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 2);
        let ids: Vec<String> =
            self.script(&CLAIM_SCRIPT, vec![now.to_string(), until.to_string(), limit.to_string()]).await?;
        self.get_all(ids).await
    }

    async fn sent(&self, id: &str) -> Result<(), OutboxError> {
        // Delivered: the links that act for the reader (reset, unsubscribe) have no more use here.
        let Some(mail) = self.get(id).await? else {
            return Err(OutboxError::Backend(BackendError::other(format!("no pending mail {id}"))));
        };
        self.finish(id, "sent", "", None, hide_link_tokens(&mail.body)).await.map(|_| ())
    }

    async fn failed(&self, id: &str, error: &str, retry_at: Option<i64>) -> Result<MailState, OutboxError> {
        self.finish(id, "failed", error, retry_at, String::new()).await
    }

    async fn recent(&self, limit: usize) -> Result<Vec<Mail>, OutboxError> {
        let all = format!("{}:all", self.prefix);
        // Expired mails leave their id behind in `all`: drop those as they are met.
        let ids: Vec<String> =
            self.connection.clone().zrevrange(&all, 0, limit.max(1) as isize * 2).await.map_err(unavailable)?;
        let mut mails = Vec::new();
        for id in ids {
            match self.get(&id).await? {
                Some(mail) if mails.len() < limit => mails.push(mail),
                Some(_) => break,
                None => {
                    let _: i64 = self.connection.clone().zrem(&all, id).await.map_err(unavailable)?;
                }
            }
        }
        Ok(mails)
    }

    async fn ping(&self) -> Result<(), OutboxError> {
        let _: String = redis::cmd("PING").query_async(&mut self.connection.clone()).await.map_err(unavailable)?;
        Ok(())
    }
}
