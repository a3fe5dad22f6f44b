//! The job queue and its worker: outcomes, retries, leases, exactly-once in effect, cancel,
//! graceful stop, and the catalog import. One suite, run against the embedded queue and
//! against Redis (a redis-server started here).

use crate::common;

use app::domain::{JobFilter, JobKind, JobState};
use app::ports::{JobQueue, Lease};
use common::redis::RedisServer;
use famigo::jobs::{JobServices, Worker, WorkerConfig};
use famigo::redis::queue::RedisJobQueue;
use famigo::sqlite::queue::SqliteJobQueue;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use tokio::sync::watch;

struct Setup {
    queue: Arc<dyn JobQueue>,
    services: JobServices,
    dir: TempDir,
    redis: Option<RedisServer>,
    _catalog: common::TestCatalog,
}

impl Setup {
    /// Another handle on the same queue, as a second process would have.
    async fn second_handle(&self) -> Arc<dyn JobQueue> {
        match &self.redis {
            Some(redis) => Arc::new(RedisJobQueue::connect(&redis.url(), "test").await.unwrap()),
            None => Arc::new(SqliteJobQueue::open(self.dir.path()).await.unwrap()),
        }
    }
}

/// Where a file uploaded at /admin lands (`DATA_DIR/uploads/<name>`), the folder made.
fn uploaded(dir: &TempDir, name: &str) -> std::path::PathBuf {
    let uploads = dir.path().join("uploads");
    std::fs::create_dir_all(&uploads).unwrap();
    uploads.join(name)
}

/// Every other port a job may use, embedded in `dir`, over `catalog`.
async fn services_over(dir: &TempDir, catalog: &common::TestCatalog) -> JobServices {
    let data_dir = dir.path().to_str().expect("utf-8 temp path");
    let config = famigo::config::Config::from_env(&famigo::config::Env::from_pairs([("DATA_DIR", data_dir)])).unwrap();
    famigo::wiring::job_services_over(&config, catalog.catalog.clone()).await.expect("job services")
}

async fn embedded() -> Option<Setup> {
    let dir = TempDir::new().unwrap();
    let queue: Arc<dyn JobQueue> = Arc::new(SqliteJobQueue::open(dir.path()).await.unwrap());
    let catalog = common::sqlite().await.expect("sqlite is always there");
    let services = services_over(&dir, &catalog).await;
    Some(Setup { queue, services, dir, redis: None, _catalog: catalog })
}

async fn redis() -> Option<Setup> {
    on_redis(RedisServer::start()?).await
}

async fn redis_cluster() -> Option<Setup> {
    on_redis(RedisServer::start_cluster()?).await
}

async fn on_redis(server: RedisServer) -> Option<Setup> {
    let dir = TempDir::new().unwrap();
    let queue: Arc<dyn JobQueue> = Arc::new(RedisJobQueue::connect(&server.url(), "test").await.unwrap());
    let catalog = common::sqlite().await.expect("sqlite is always there");
    let services = services_over(&dir, &catalog).await;
    Some(Setup { queue, services, dir, redis: Some(server), _catalog: catalog })
}

fn fast(name: &str) -> WorkerConfig {
    WorkerConfig {
        name: name.to_string(),
        concurrency: 4,
        lease: Duration::from_millis(600),
        poll: Duration::from_millis(10),
        retry_base: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        grace: Duration::from_secs(2),
    }
}

/// Starts a worker; dropping the handle's sender stops it.
fn start(
    setup: &Setup,
    queue: Arc<dyn JobQueue>,
    config: WorkerConfig,
) -> (watch::Sender<bool>, tokio::task::JoinHandle<()>) {
    let (stop, stopped) = watch::channel(false);
    let worker = Worker::new(queue, setup.services.clone(), config);
    (stop, tokio::spawn(worker.run(stopped)))
}

async fn wait_for(queue: &Arc<dyn JobQueue>, id: &str, state: JobState, limit: Duration) -> app::domain::JobInfo {
    let started = Instant::now();
    loop {
        let job = queue.get(id).await.unwrap().expect("job exists");
        if job.state == state {
            return job;
        }
        assert!(started.elapsed() < limit, "job {id} is {:?}, not {state:?}, after {limit:?}: {job:?}", job.state);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn a_job_runs_to_done_with_its_result_and_progress(s: &Setup) {
    let job = s.queue.enqueue(JobKind::Noop, r#"{"steps": 5}"#, 3).await.unwrap();
    assert_eq!(job.state, JobState::Queued);
    let (stop, worker) = start(s, s.queue.clone(), fast("w1"));
    let done = wait_for(&s.queue, &job.id, JobState::Done, Duration::from_secs(5)).await;
    assert_eq!(done.result.as_deref(), Some(r#"{"steps":5}"#));
    assert_eq!((done.attempts, done.progress.percent()), (1, 100));
    assert!(done.finished_at.is_some());
    stop.send(true).unwrap();
    worker.await.unwrap();
}

async fn failures_retry_with_backoff_then_die_keeping_the_error(s: &Setup) {
    let recovers = s.queue.enqueue(JobKind::Noop, r#"{"fail_attempts": 2}"#, 4).await.unwrap();
    let dies = s.queue.enqueue(JobKind::Noop, r#"{"fail_attempts": 99}"#, 3).await.unwrap();
    let (stop, worker) = start(s, s.queue.clone(), fast("w1"));
    let recovered = wait_for(&s.queue, &recovers.id, JobState::Done, Duration::from_secs(5)).await;
    assert_eq!(recovered.attempts, 3, "two failures, then success");
    let dead = wait_for(&s.queue, &dies.id, JobState::Dead, Duration::from_secs(5)).await;
    assert_eq!(dead.attempts, 3);
    assert_eq!(dead.last_error.as_deref(), Some("failing on purpose (attempt 3)"));

    // Retried by hand, it runs again from zero attempts.
    assert!(s.queue.retry(&dies.id).await.unwrap());
    let again = wait_for(&s.queue, &dies.id, JobState::Dead, Duration::from_secs(5)).await;
    assert_eq!(again.attempts, 3);
    assert!(!s.queue.retry(&recovers.id).await.unwrap(), "a done job is not retried");
    stop.send(true).unwrap();
    worker.await.unwrap();
}

async fn a_job_whose_worker_died_runs_again_once_and_the_dead_worker_cannot_finish_it(s: &Setup) {
    let marker = s.dir.path().join("runs.txt");
    let args = serde_json::json!({ "marker": marker }).to_string();
    let job = s.queue.enqueue(JobKind::Noop, &args, 3).await.unwrap();
    // A worker claims it and dies (never renews, never finishes).
    let lost = s.queue.claim("doomed", Duration::from_millis(200)).await.unwrap().expect("claimed");
    assert_eq!(lost.info.id, job.id);
    assert!(
        s.queue.claim("other", Duration::from_secs(5)).await.unwrap().is_none(),
        "leased jobs are not handed out twice"
    );

    let (stop, worker) = start(s, s.queue.clone(), fast("survivor"));
    let done = wait_for(&s.queue, &job.id, JobState::Done, Duration::from_secs(5)).await;
    assert_eq!(done.attempts, 2);
    assert_eq!(s.queue.complete(&job.id, &lost.token, "{}").await.unwrap(), Lease::Lost, "the old lease is fenced off");
    assert_eq!(std::fs::read_to_string(&marker).unwrap().lines().count(), 1, "finished once");
    stop.send(true).unwrap();
    worker.await.unwrap();
}

async fn two_workers_run_each_of_200_jobs_exactly_once(s: &Setup) {
    let marker = s.dir.path().join("runs.txt");
    let args = serde_json::json!({ "marker": marker }).to_string();
    for _ in 0..200 {
        s.queue.enqueue(JobKind::Noop, &args, 3).await.unwrap();
    }
    let second = s.second_handle().await;
    let (stop_a, a) = start(s, s.queue.clone(), fast("a"));
    let (stop_b, b) = start(s, second, fast("b"));
    let started = Instant::now();
    loop {
        let counts = s.queue.list(&JobFilter::default(), 1, 1).await.unwrap().counts;
        if counts.done == 200 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "not all done: {counts:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!("200 jobs through two workers in {:?}", started.elapsed());
    stop_a.send(true).unwrap();
    stop_b.send(true).unwrap();
    a.await.unwrap();
    b.await.unwrap();
    let runs = std::fs::read_to_string(&marker).unwrap();
    let ids: std::collections::HashSet<&str> = runs.lines().collect();
    assert!(ids.iter().all(|id| id.len() == 26), "every line is one job id: {ids:?}");
    assert_eq!((runs.lines().count(), ids.len()), (200, 200), "each job ran exactly once");
}

async fn queued_jobs_cancel_at_once_and_running_ones_at_their_next_step(s: &Setup) {
    let queued = s.queue.enqueue(JobKind::Noop, "{}", 3).await.unwrap();
    assert_eq!(s.queue.cancel(&queued.id).await.unwrap(), Some(JobState::Cancelled));
    assert_eq!(s.queue.cancel("no-such-job").await.unwrap(), None);

    let long = s.queue.enqueue(JobKind::Noop, r#"{"steps": 1000, "step_ms": 20}"#, 3).await.unwrap();
    let (stop, worker) = start(s, s.queue.clone(), fast("w1"));
    wait_for(&s.queue, &long.id, JobState::Running, Duration::from_secs(5)).await;
    assert_eq!(s.queue.cancel(&long.id).await.unwrap(), Some(JobState::Running), "asked to stop");
    let cancelled = wait_for(&s.queue, &long.id, JobState::Cancelled, Duration::from_secs(5)).await;
    assert!(cancelled.progress.done < 1000);
    stop.send(true).unwrap();
    worker.await.unwrap();
}

async fn a_stopping_worker_puts_its_running_job_back_without_spending_an_attempt(s: &Setup) {
    let long = s.queue.enqueue(JobKind::Noop, r#"{"steps": 1000, "step_ms": 20}"#, 3).await.unwrap();
    let (stop, worker) = start(s, s.queue.clone(), fast("w1"));
    wait_for(&s.queue, &long.id, JobState::Running, Duration::from_secs(5)).await;
    stop.send(true).unwrap();
    worker.await.unwrap();
    let job = s.queue.get(&long.id).await.unwrap().unwrap();
    assert_eq!((job.state, job.attempts), (JobState::Queued, 0));
}

async fn import_upserts_good_lines_and_reports_each_bad_one(s: &Setup) {
    let path = uploaded(&s.dir, "import.jsonl");
    let mut lines: Vec<String> =
        famigo::catalog::seed::generate(1000, 9).map(|app| serde_json::to_string(&app).unwrap()).collect();
    lines[9] = lines[9].replace("\"name\":", "\"title\":"); // line 10: no name
    lines[499] = "{\"slug\": \"broken".to_string(); // line 500: not JSON
    let mut too_young: app::domain::App = serde_json::from_str(&lines[899]).unwrap();
    too_young.min_age = 0;
    lines[899] = serde_json::to_string(&too_young).unwrap(); // line 900: bad age
    std::fs::write(&path, lines.join("\n")).unwrap();

    let args = serde_json::json!({ "path": path }).to_string();
    let job = s.queue.enqueue(JobKind::ImportCatalog, &args, 3).await.unwrap();
    let (stop, worker) = start(s, s.queue.clone(), fast("w1"));
    let done = wait_for(&s.queue, &job.id, JobState::Done, Duration::from_secs(20)).await;
    stop.send(true).unwrap();
    worker.await.unwrap();

    let report: serde_json::Value = serde_json::from_str(done.result.as_deref().unwrap()).unwrap();
    assert_eq!(
        (report["rows"].as_u64(), report["imported"].as_u64(), report["error_count"].as_u64()),
        (Some(1000), Some(997), Some(3))
    );
    let errors: Vec<(u64, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["field"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(errors, vec![(10, "name".into()), (500, "json".into()), (900, "min_age".into())]);
    assert_eq!(s.services.catalog.count().await.unwrap(), 997);
    assert!(s.services.catalog.get(&too_young.slug).await.unwrap().is_none(), "nothing of a bad line is written");
    assert_eq!(done.progress.percent(), 100);
}

async fn two_schedulers_queue_each_tick_once(s: &Setup) {
    let every_second: cron::Schedule = "* * * * * *".parse().unwrap();
    let (stop, stopped) = watch::channel(false);
    let second = s.second_handle().await;
    let schedules = vec![(JobKind::Noop, every_second)];
    let a = tokio::spawn(famigo::jobs::schedule::run_scheduler(s.queue.clone(), schedules.clone(), stopped.clone()));
    let b = tokio::spawn(famigo::jobs::schedule::run_scheduler(second, schedules, stopped));
    tokio::time::sleep(Duration::from_millis(3200)).await;
    stop.send(true).unwrap();
    a.await.unwrap();
    b.await.unwrap();
    let queued = s.queue.list(&JobFilter { kind: Some(JobKind::Noop), state: None }, 1, 50).await.unwrap();
    assert!((3..=4).contains(&queued.total), "one job per tick over ~3 s, not one per scheduler: {}", queued.total);
}

common::backend_suite!([embedded_queue: embedded, redis_queue: redis, redis_cluster_queue: redis_cluster], [ a_job_runs_to_done_with_its_result_and_progress, failures_retry_with_backoff_then_die_keeping_the_error, a_job_whose_worker_died_runs_again_once_and_the_dead_worker_cannot_finish_it, two_workers_run_each_of_200_jobs_exactly_once, queued_jobs_cancel_at_once_and_running_ones_at_their_next_step, a_stopping_worker_puts_its_running_job_back_without_spending_an_attempt, import_upserts_good_lines_and_reports_each_bad_one, two_schedulers_queue_each_tick_once ]);

/// The same import from CSV: bad rows named by line and column, the rest upserted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_import_reports_bad_rows_by_line_and_column() {
    let Some(s) = embedded().await else { return };
    let path = uploaded(&s.dir, "apps.csv");
    let mut writer = csv::Writer::from_path(&path).unwrap();
    let columns = famigo::jobs::catalog_csv::COLUMNS.iter().chain(famigo::jobs::catalog_csv::OPTIONAL_COLUMNS);
    writer.write_record(columns).unwrap();
    for (i, app) in famigo::catalog::seed::generate(200, 11).enumerate() {
        let mut row = famigo::jobs::catalog_csv::to_row(&app);
        match i {
            3 => row[4] = "ios;playstation".into(), // line 5: unknown platform
            48 => row[7] = "abc".into(),            // line 50: age not a number
            118 => row[1] = "".into(),              // line 120: no name
            _ => {}
        }
        writer.write_record(&row).unwrap();
    }
    writer.flush().unwrap();
    let args = serde_json::json!({ "path": path }).to_string();
    let job = s.queue.enqueue(JobKind::ImportCatalog, &args, 1).await.unwrap();
    let (stop, worker) = start(&s, s.queue.clone(), fast("w1"));
    let done = wait_for(&s.queue, &job.id, JobState::Done, Duration::from_secs(20)).await;
    stop.send(true).unwrap();
    worker.await.unwrap();
    let report: serde_json::Value = serde_json::from_str(done.result.as_deref().unwrap()).unwrap();
    assert_eq!((report["rows"].as_u64(), report["imported"].as_u64()), (Some(200), Some(197)), "{report}");
    let errors: Vec<(u64, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["field"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(errors, vec![(5, "platforms".into()), (50, "min_age".into()), (120, "name".into())]);
    assert_eq!(s.services.catalog.count().await.unwrap(), 197);
}
