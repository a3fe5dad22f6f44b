//! A `famigo worker` process SIGKILLed in the middle of a job: the job stays leased until
//! `JOB_LEASE_SECONDS` pass, then another worker process runs it again, and it finishes once in
//! effect. Run on the embedded queue and on Redis.

use crate::common;

use app::domain::{JobKind, JobState};
use app::ports::JobQueue;
use common::redis::RedisServer;
use famigo::redis::queue::RedisJobQueue;
use famigo::sqlite::queue::SqliteJobQueue;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

const LEASE_SECONDS: u64 = 3;

struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn worker(data: &TempDir, redis: Option<&str>, name: &str) -> Worker {
    let mut cmd: Command = common::famigo_command(data.path(), "warn");
    cmd.env("FAMIGO_NODE", name)
        .env("JOB_LEASE_SECONDS", LEASE_SECONDS.to_string())
        .env("SCHEDULE_WARM_CACHE", "off")
        .env("WORKER_CONCURRENCY", "1")
        .stdout(Stdio::null());
    if let Some(url) = redis {
        cmd.env("REDIS_URL", url).env("REDIS_PREFIX", "kill9");
    }
    Worker(cmd.arg("worker").spawn().expect("spawn famigo worker"))
}

async fn wait_for(
    queue: &dyn JobQueue,
    id: &str,
    limit: Duration,
    what: &str,
    done: impl Fn(&app::domain::JobInfo) -> bool,
) -> app::domain::JobInfo {
    let deadline = Instant::now() + limit;
    loop {
        let job = queue.get(id).await.unwrap().expect("job exists");
        if done(&job) {
            return job;
        }
        assert!(Instant::now() < deadline, "{what} within {limit:?}; job is {:?} at {:?}", job.state, job.progress);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn killed_worker_job_runs_again_and_finishes_once(queue: Arc<dyn JobQueue>, data: &TempDir, redis: Option<&str>) {
    let marker = data.path().join("runs.txt");
    let args = serde_json::json!({ "steps": 20, "step_ms": 150, "marker": marker }).to_string();
    let job = queue.enqueue(JobKind::Noop, &args, 3).await.unwrap();

    let mut first = worker(data, redis, "worker-1");
    wait_for(&*queue, &job.id, Duration::from_secs(30), "the first worker takes the job", |j| {
        j.state == JobState::Running && j.progress.done >= 3
    })
    .await;
    let _ = first.0.kill();
    let _ = first.0.wait();
    let killed_at = Instant::now();

    let _second = worker(data, redis, "worker-2");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let waiting = queue.get(&job.id).await.unwrap().unwrap();
    assert_eq!(
        (waiting.state, waiting.attempts),
        (JobState::Running, 1),
        "still leased to the dead worker before the lease ends"
    );

    let done = wait_for(&*queue, &job.id, Duration::from_secs(30), "the job runs again and finishes", |j| {
        j.state.is_finished()
    })
    .await;
    let rerun_after = killed_at.elapsed();
    let runs = std::fs::read_to_string(&marker).unwrap_or_default();
    println!("| backend | killed after | done after | attempts | completed runs |\n|---|---|---|---:|---:|\n| {} | step {} of 20 | {rerun_after:.1?} | {} | {} |", queue.backend(), waiting.progress.done, done.attempts, runs.lines().count());
    assert_eq!(done.state, JobState::Done, "{:?}", done.last_error);
    assert_eq!(done.attempts, 2, "one killed attempt, one that finished");
    assert_eq!(runs.lines().collect::<Vec<_>>(), vec![job.id.as_str()], "finished once in effect");
    assert!(
        rerun_after >= Duration::from_secs(LEASE_SECONDS) - Duration::from_millis(1500),
        "not taken over before the lease ended: {rerun_after:?}"
    );
}

#[tokio::test]
async fn embedded_queue_a_killed_worker_process_job_runs_again_once() {
    let data = TempDir::new().unwrap();
    let queue: Arc<dyn JobQueue> = Arc::new(SqliteJobQueue::open(data.path()).await.unwrap());
    killed_worker_job_runs_again_and_finishes_once(queue, &data, None).await;
}

#[tokio::test]
async fn redis_queue_a_killed_worker_process_job_runs_again_once() {
    let Some(redis) = RedisServer::start() else { return };
    let data = TempDir::new().unwrap();
    let queue: Arc<dyn JobQueue> = Arc::new(RedisJobQueue::connect(&redis.url(), "kill9").await.unwrap());
    killed_worker_job_runs_again_and_finishes_once(queue, &data, Some(&redis.url())).await;
}
