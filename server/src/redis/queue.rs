//! The job queue shared by every node: each job a Redis hash, with sorted sets for what is
//! due, what is leased, and each state (for listing and counts). Every transition is one Lua
//! script, so it is atomic: a claim cannot hand a job to two workers, and a worker's write
//! names its lease token and is refused once the lease has moved on.
//!
//! Keys under `<p>` = `{` + `REDIS_PREFIX` + `:jobs}` (one cluster slot: every script touches
//! several of them): `<p>:job:<id>` (hash), `<p>:due` (id → run at),
//! `<p>:leases` (id → lease end), `<p>:state:<state>` (id → created), `<p>:kind:<kind>`,
//! `<p>:all`, `<p>:finished` (id → finished at). Times are unix milliseconds.

use super::RedisConnection;
use crate::storage::now_ms;
use app::domain::{JobCounts, JobFilter, JobInfo, JobKind, JobList, JobProgress, JobState};
use app::ports::{BackendError, ClaimedJob, JobQueue, Lease, QueueError};
use async_trait::async_trait;
use redis::{AsyncCommands, FromRedisValue, Script};
use std::collections::HashMap;
use std::sync::LazyLock;
use std::time::Duration;

/// Shared helpers, prepended to every script. ARGV[1] is always the key prefix.
const LIB: &str = r#"
local p = ARGV[1]
local function jkey(id) return p .. ':job:' .. id end
local function move(id, from, to)
  local created = redis.call('HGET', jkey(id), 'created_at')
  redis.call('ZREM', p .. ':state:' .. from, id)
  redis.call('ZADD', p .. ':state:' .. to, created, id)
  redis.call('HSET', jkey(id), 'state', to)
end
local function finish(id, to, now)
  move(id, 'running', to)
  redis.call('HSET', jkey(id), 'finished_at', now, 'lease_token', '')
  redis.call('HDEL', jkey(id), 'lease_until')
  redis.call('ZREM', p .. ':leases', id)
  redis.call('ZADD', p .. ':finished', now, id)
end
local function holds(id, token)
  local job = jkey(id)
  return redis.call('HGET', job, 'state') == 'running' and redis.call('HGET', job, 'lease_token') == token
end
"#;

/// ARGV: prefix, id, kind, args, max_attempts, now, once key ('' for none). Returns 0 when the
/// once key was taken (kept a week).
const ENQUEUE: &str = r#"
local id, now = ARGV[2], ARGV[6]
if ARGV[7] ~= '' and not redis.call('SET', p .. ':once:' .. ARGV[7], id, 'NX', 'PX', 604800000) then
  return 0
end
redis.call('HSET', jkey(id), 'id', id, 'kind', ARGV[3], 'args', ARGV[4], 'state', 'queued', 'attempts', 0,
  'max_attempts', ARGV[5], 'run_at', now, 'progress_done', 0, 'progress_total', 0, 'progress_message', '',
  'cancel_requested', 0, 'created_at', now, 'lease_token', '')
redis.call('ZADD', p .. ':due', now, id)
redis.call('ZADD', p .. ':all', now, id)
redis.call('ZADD', p .. ':kind:' .. ARGV[3], now, id)
redis.call('ZADD', p .. ':state:queued', now, id)
return 1
"#;

/// ARGV: prefix, now, lease_until, token, worker. Returns the claimed id or false.
const CLAIM: &str = r#"
local now = tonumber(ARGV[2])
-- Leases that expired: their worker is gone. With no attempt left the job is dead.
for _, id in ipairs(redis.call('ZRANGEBYSCORE', p .. ':leases', '-inf', now - 1, 'LIMIT', 0, 50)) do
  local job = jkey(id)
  if tonumber(redis.call('HGET', job, 'attempts')) >= tonumber(redis.call('HGET', job, 'max_attempts')) then
    redis.call('HSET', job, 'last_error', 'the worker running it stopped answering (lease expired) on its last attempt')
    finish(id, 'dead', now)
  else
    redis.call('ZREM', p .. ':leases', id)
    move(id, 'running', 'queued')
    redis.call('ZADD', p .. ':due', now, id)
  end
end
local due = redis.call('ZRANGEBYSCORE', p .. ':due', '-inf', now, 'LIMIT', 0, 1)
local id = due[1]
if not id then return false end
local job = jkey(id)
local from = redis.call('HGET', job, 'state')
redis.call('ZREM', p .. ':due', id)
move(id, from, 'running')
redis.call('HINCRBY', job, 'attempts', 1)
redis.call('HSET', job, 'lease_token', ARGV[4], 'lease_until', ARGV[3], 'worker', ARGV[5], 'started_at', now,
  'cancel_requested', 0)
redis.call('ZADD', p .. ':leases', ARGV[3], id)
return id
"#;

/// ARGV: prefix, id, token, lease_until. Returns -1 lost, else cancel_requested.
const RENEW: &str = r#"
local id = ARGV[2]
if not holds(id, ARGV[3]) then return -1 end
redis.call('HSET', jkey(id), 'lease_until', ARGV[4])
redis.call('ZADD', p .. ':leases', ARGV[4], id)
return tonumber(redis.call('HGET', jkey(id), 'cancel_requested'))
"#;

/// ARGV: prefix, id, token, done, total, message. Returns -1 lost, else cancel_requested.
const PROGRESS: &str = r#"
local id = ARGV[2]
if not holds(id, ARGV[3]) then return -1 end
redis.call('HSET', jkey(id), 'progress_done', ARGV[4], 'progress_total', ARGV[5], 'progress_message', ARGV[6])
return tonumber(redis.call('HGET', jkey(id), 'cancel_requested'))
"#;

/// ARGV: prefix, id, token, now, outcome, text. Outcome: done | failed:<retry_at> | cancelled |
/// released. Returns the new state, or false when the lease was lost.
const FINISH: &str = r#"
local id, now, outcome, text = ARGV[2], ARGV[4], ARGV[5], ARGV[6]
if not holds(id, ARGV[3]) then return false end
local job = jkey(id)
if outcome == 'done' then
  local total = redis.call('HGET', job, 'progress_total')
  redis.call('HSET', job, 'result', text, 'progress_done', total)
  finish(id, 'done', now)
  return 'done'
elseif outcome == 'cancelled' then
  finish(id, 'cancelled', now)
  return 'cancelled'
elseif outcome == 'released' then
  redis.call('HINCRBY', job, 'attempts', -1)
  redis.call('ZREM', p .. ':leases', id)
  redis.call('HSET', job, 'lease_token', '', 'run_at', now)
  move(id, 'running', 'queued')
  redis.call('ZADD', p .. ':due', now, id)
  return 'queued'
else
  local retry_at = string.sub(outcome, 8)
  redis.call('HSET', job, 'last_error', text)
  if tonumber(redis.call('HGET', job, 'attempts')) < tonumber(redis.call('HGET', job, 'max_attempts')) then
    redis.call('ZREM', p .. ':leases', id)
    redis.call('HSET', job, 'lease_token', '', 'run_at', retry_at)
    move(id, 'running', 'failed')
    redis.call('ZADD', p .. ':due', retry_at, id)
    return 'failed'
  end
  finish(id, 'dead', now)
  return 'dead'
end
"#;

/// ARGV: prefix, id, now. Returns the state after, or false for an unknown job.
const CANCEL: &str = r#"
local id, now = ARGV[2], ARGV[3]
local job = jkey(id)
local state = redis.call('HGET', job, 'state')
if not state then return false end
if state == 'queued' or state == 'failed' then
  redis.call('ZREM', p .. ':due', id)
  move(id, state, 'cancelled')
  redis.call('HSET', job, 'finished_at', now)
  redis.call('ZADD', p .. ':finished', now, id)
  return 'cancelled'
elseif state == 'running' then
  redis.call('HSET', job, 'cancel_requested', 1)
end
return state
"#;

/// ARGV: prefix, id, now. Returns 1 when queued again.
const RETRY: &str = r#"
local id, now = ARGV[2], ARGV[3]
local job = jkey(id)
local state = redis.call('HGET', job, 'state')
if state ~= 'dead' and state ~= 'cancelled' then return 0 end
move(id, state, 'queued')
redis.call('HSET', job, 'attempts', 0, 'run_at', now, 'cancel_requested', 0, 'lease_token', '')
redis.call('HDEL', job, 'finished_at')
redis.call('ZREM', p .. ':finished', id)
redis.call('ZADD', p .. ':due', now, id)
return 1
"#;

/// Each script with the helpers before it, hashed once (`Script` runs EVALSHA, and loads the
/// script when Redis does not have it yet).
fn script(body: &str) -> Script {
    Script::new(&format!("{LIB}\n{body}"))
}
static ENQUEUE_SCRIPT: LazyLock<Script> = LazyLock::new(|| script(ENQUEUE));
static CLAIM_SCRIPT: LazyLock<Script> = LazyLock::new(|| script(CLAIM));
static RENEW_SCRIPT: LazyLock<Script> = LazyLock::new(|| script(RENEW));
static PROGRESS_SCRIPT: LazyLock<Script> = LazyLock::new(|| script(PROGRESS));
static FINISH_SCRIPT: LazyLock<Script> = LazyLock::new(|| script(FINISH));
static CANCEL_SCRIPT: LazyLock<Script> = LazyLock::new(|| script(CANCEL));
static RETRY_SCRIPT: LazyLock<Script> = LazyLock::new(|| script(RETRY));

pub struct RedisJobQueue {
    connection: RedisConnection,
    prefix: String,
}

fn unavailable(e: redis::RedisError) -> QueueError {
    super::redis_err(e).into()
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn job_from_hash(fields: HashMap<String, String>) -> Result<JobInfo, QueueError> {
    let text = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let number = |name: &str| fields.get(name).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let optional = |name: &str| fields.get(name).filter(|v| !v.is_empty()).cloned();
    let bad = |what: &str| QueueError::Backend(BackendError::other(format!("stored job has an unknown {what}")));
    Ok(JobInfo {
        id: text("id"),
        kind: JobKind::from_slug(&text("kind")).ok_or_else(|| bad("kind"))?,
        state: JobState::from_slug(&text("state")).ok_or_else(|| bad("state"))?,
        args: text("args"),
        attempts: number("attempts").max(0) as u32,
        max_attempts: number("max_attempts").max(0) as u32,
        progress: JobProgress {
            done: number("progress_done").max(0) as u64,
            total: number("progress_total").max(0) as u64,
            message: text("progress_message"),
        },
        result: optional("result"),
        last_error: optional("last_error"),
        cancel_requested: number("cancel_requested") != 0,
        created_at: number("created_at"),
        started_at: optional("started_at").and_then(|v| v.parse().ok()),
        finished_at: optional("finished_at").and_then(|v| v.parse().ok()),
    })
}

impl RedisJobQueue {
    /// Connects its own client (retrying in the background if Redis is down; calls fail meanwhile).
    pub async fn connect(url: &str, prefix: &str) -> Result<RedisJobQueue, QueueError> {
        Ok(Self::on(super::redis_connection(url).map_err(unavailable)?, prefix))
    }

    /// On the connection the process already has (`redis_connection`), shared with the other adapters.
    pub fn on(connection: RedisConnection, prefix: &str) -> RedisJobQueue {
        RedisJobQueue { connection, prefix: super::slot(&format!("{prefix}:jobs")) }
    }

    async fn script<R: FromRedisValue>(&self, script: &Script, args: Vec<String>) -> Result<R, QueueError> {
        super::run_with_prefix(&self.connection, script, &self.prefix, args).await.map_err(unavailable)
    }

    fn key(&self, suffix: &str) -> String {
        format!("{}:{suffix}", self.prefix)
    }

    fn lease_from(answer: i64) -> Lease {
        if answer < 0 {
            Lease::Lost
        } else {
            Lease::Held { cancel_requested: answer != 0 }
        }
    }

    async fn finish(&self, id: &str, token: &str, outcome: String, text: &str) -> Result<Option<JobState>, QueueError> {
        let state: Option<String> = self
            .script(&FINISH_SCRIPT, vec![id.into(), token.into(), now_ms().to_string(), outcome, text.into()])
            .await?;
        Ok(state.and_then(|s| JobState::from_slug(&s)))
    }
}

#[async_trait]
impl JobQueue for RedisJobQueue {
    fn backend(&self) -> &'static str {
        "redis"
    }

    async fn enqueue(&self, kind: JobKind, args: &str, max_attempts: u32) -> Result<JobInfo, QueueError> {
        self.enqueue_once(kind, args, max_attempts, "")
            .await?
            .ok_or_else(|| QueueError::Backend(BackendError::other("enqueued job vanished")))
    }

    async fn enqueue_once(
        &self,
        kind: JobKind,
        args: &str,
        max_attempts: u32,
        once_key: &str,
    ) -> Result<Option<JobInfo>, QueueError> {
        let id = crate::storage::new_id();
        let args = vec![
            id.clone(),
            kind.slug().into(),
            args.into(),
            max_attempts.max(1).to_string(),
            now_ms().to_string(),
            once_key.into(),
        ];
        let inserted: i64 = self.script(&ENQUEUE_SCRIPT, args).await?;
        if inserted == 0 {
            return Ok(None);
        }
        self.get(&id).await
    }

    async fn get(&self, id: &str) -> Result<Option<JobInfo>, QueueError> {
        let fields: HashMap<String, String> =
            self.connection.clone().hgetall(self.key(&format!("job:{id}"))).await.map_err(unavailable)?;
        if fields.is_empty() {
            return Ok(None);
        }
        job_from_hash(fields).map(Some)
    }

    async fn list(&self, filter: &JobFilter, page: u32, per_page: u32) -> Result<JobList, QueueError> {
        let page = page.max(1);
        let per_page = per_page.clamp(1, 200);
        let set = match (filter.state, filter.kind) {
            (Some(state), _) => self.key(&format!("state:{}", state.slug())),
            (None, Some(kind)) => self.key(&format!("kind:{}", kind.slug())),
            (None, None) => self.key("all"),
        };
        let start = i64::from(page - 1) * i64::from(per_page);
        // With both filters, walk the state's set and keep the kind (bounded by 10 pages).
        let (ids, total): (Vec<String>, u64) = if let (Some(_), Some(kind)) = (filter.state, filter.kind) {
            let ids: Vec<String> = self.connection.clone().zrevrange(&set, 0, 10 * 200).await.map_err(unavailable)?;
            let mut matching = Vec::new();
            for id in ids {
                if let Some(job) = self.get(&id).await? {
                    if job.kind == kind {
                        matching.push(id);
                    }
                }
            }
            let total = matching.len() as u64;
            (matching.into_iter().skip(start as usize).take(per_page as usize).collect(), total)
        } else {
            let stop = start + i64::from(per_page) - 1;
            let ids: Vec<String> =
                self.connection.clone().zrevrange(&set, start as isize, stop as isize).await.map_err(unavailable)?;
            let total: u64 = self.connection.clone().zcard(&set).await.map_err(unavailable)?;
            (ids, total)
        };
        let mut jobs = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(job) = self.get(&id).await? {
                jobs.push(job);
            }
        }
        let mut counts = JobCounts::default();
        for &state in JobState::ALL {
            let n: u64 = self
                .connection
                .clone()
                .zcard(self.key(&format!("state:{}", state.slug())))
                .await
                .map_err(unavailable)?;
            counts.set(state, n);
        }
        let now = now_ms();
        let minute = 60_000;
        let since = now - 60 * minute;
        let finished: Vec<(String, f64)> = self
            .connection
            .clone()
            .zrangebyscore_withscores(self.key("finished"), since, now)
            .await
            .map_err(unavailable)?;
        let mut finished_per_minute = vec![0u32; 60];
        for (_, at) in finished {
            let bucket = ((at as i64 - since) / minute).clamp(0, 59) as usize;
            finished_per_minute[bucket] += 1;
        }
        Ok(JobList { jobs, total, page, per_page, counts, finished_per_minute })
    }

    async fn cancel(&self, id: &str) -> Result<Option<JobState>, QueueError> {
        let state: Option<String> = self.script(&CANCEL_SCRIPT, vec![id.into(), now_ms().to_string()]).await?;
        Ok(state.and_then(|s| JobState::from_slug(&s)))
    }

    async fn retry(&self, id: &str) -> Result<bool, QueueError> {
        let queued: i64 = self.script(&RETRY_SCRIPT, vec![id.into(), now_ms().to_string()]).await?;
        Ok(queued == 1)
    }

    async fn claim(&self, worker: &str, lease: Duration) -> Result<Option<ClaimedJob>, QueueError> {
        let now = now_ms();
        let token = ulid::Ulid::new().to_string();
        let id: Option<String> = self
            .script(&CLAIM_SCRIPT, vec![now.to_string(), (now + ms(lease)).to_string(), token.clone(), worker.into()])
            .await?;
        let Some(id) = id else { return Ok(None) };
        let info =
            self.get(&id).await?.ok_or_else(|| QueueError::Backend(BackendError::other("claimed job vanished")))?;
        Ok(Some(ClaimedJob { info, token }))
    }

    async fn renew(&self, id: &str, token: &str, lease: Duration) -> Result<Lease, QueueError> {
        let answer: i64 =
            self.script(&RENEW_SCRIPT, vec![id.into(), token.into(), (now_ms() + ms(lease)).to_string()]).await?;
        Ok(Self::lease_from(answer))
    }

    async fn progress(&self, id: &str, token: &str, progress: &JobProgress) -> Result<Lease, QueueError> {
        let answer: i64 = self
            .script(
                &PROGRESS_SCRIPT,
                vec![
                    id.into(),
                    token.into(),
                    progress.done.to_string(),
                    progress.total.to_string(),
                    progress.message.clone(),
                ],
            )
            .await?;
        Ok(Self::lease_from(answer))
    }

    async fn complete(&self, id: &str, token: &str, result: &str) -> Result<Lease, QueueError> {
        let state = self.finish(id, token, "done".into(), result).await?;
        Ok(if state.is_some() { Lease::Held { cancel_requested: false } } else { Lease::Lost })
    }

    async fn fail(&self, id: &str, token: &str, error: &str, retry_at: i64) -> Result<Option<JobState>, QueueError> {
        self.finish(id, token, format!("failed:{retry_at}"), error).await
    }

    async fn cancelled(&self, id: &str, token: &str) -> Result<Lease, QueueError> {
        let state = self.finish(id, token, "cancelled".into(), "").await?;
        Ok(if state.is_some() { Lease::Held { cancel_requested: true } } else { Lease::Lost })
    }

    async fn release(&self, id: &str, token: &str) -> Result<Lease, QueueError> {
        let state = self.finish(id, token, "released".into(), "").await?;
        Ok(if state.is_some() { Lease::Held { cancel_requested: false } } else { Lease::Lost })
    }

    async fn ping(&self) -> Result<(), QueueError> {
        let _: String = redis::cmd("PING").query_async(&mut self.connection.clone()).await.map_err(unavailable)?;
        Ok(())
    }
}
