//! Redis Sentinel failover: a node and two workers on a primary with one replica, three
//! sentinels watching; the primary is killed (SIGKILL) while jobs are being queued and run,
//! pages served and a parent is signed in.

use crate::common;

use app::domain::{JobFilter, JobKind};
use app::ports::JobQueue;
use common::redis::SentinelGroup;
use common::TestApp;
use famigo::jobs::{JobServices, Worker, WorkerConfig};
use famigo::redis::queue::RedisJobQueue;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const JOBS: usize = 150;
/// Jobs queued before the primary is killed.
const KILL_AFTER: usize = 40;

fn worker(name: &str) -> WorkerConfig {
    WorkerConfig {
        name: name.to_string(),
        concurrency: 4,
        // Longer than a failover takes (about 1–3 s here): a job whose outcome cannot be written
        // meanwhile keeps its lease, and its worker writes the outcome once the replica is primary.
        lease: Duration::from_secs(8),
        poll: Duration::from_millis(10),
        retry_base: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        grace: Duration::from_secs(2),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_primary_dies_its_replica_takes_over_and_no_job_session_or_page_is_lost() {
    let Some(mut redis) = SentinelGroup::start() else { return };
    let url = redis.url();
    let app = Arc::new(TestApp::with_env(20, &[("REDIS_URL", url.as_str()), ("REDIS_PREFIX", "failover")]).await);
    let cookie = app.signed_in_parent("failover@example.com", "Failover Parent").await;
    assert_eq!(app.get("/").await.status, 200);

    let queue = app.state.jobs.clone();
    let second: Arc<dyn JobQueue> = Arc::new(RedisJobQueue::connect(&url, "failover").await.unwrap());
    let uploads = app.data_dir().join("uploads");
    let services = JobServices::of(&app.state, app.router.clone(), uploads);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers = [
        tokio::spawn(Worker::new(queue.clone(), services.clone(), worker("a")).run(stopped.clone())),
        tokio::spawn(Worker::new(second, services, worker("b")).run(stopped)),
    ];

    // Pages all through: none may fail.
    let serving = Arc::new(AtomicBool::new(true));
    let statuses = Arc::new(Mutex::new(HashMap::<u16, usize>::new()));
    let pages = tokio::spawn({
        let (app, serving, statuses) = (app.clone(), serving.clone(), statuses.clone());
        async move {
            for uri in ["/", "/apps", "/apps?age=5-7"].iter().cycle() {
                if !serving.load(Ordering::Acquire) {
                    break;
                }
                let status = app.get(uri).await.status;
                *statuses.lock().unwrap().entry(status).or_default() += 1;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    });

    // The producer queues each job until the queue acknowledges it; its once key makes a retry
    // of one that did reach Redis a no-op.
    let marker = app.data_dir().join("runs.txt");
    let args = serde_json::json!({ "marker": marker, "steps": 2, "step_ms": 15 }).to_string();
    let queued = Arc::new(AtomicUsize::new(0));
    let producer = tokio::spawn({
        let (queue, queued) = (queue.clone(), queued.clone());
        async move {
            let (mut refused, mut last_refused) = (0, None);
            for i in 0..JOBS {
                while queue.enqueue_once(JobKind::Noop, &args, 3, &format!("failover-{i}")).await.is_err() {
                    (refused, last_refused) = (refused + 1, Some(Instant::now()));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                queued.fetch_add(1, Ordering::AcqRel);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            (refused, last_refused)
        }
    });

    while queued.load(Ordering::Acquire) < KILL_AFTER {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let old_primary = redis.primary.port;
    redis.kill_primary();
    let killed = Instant::now();
    let (refused, last_refused) = producer.await.unwrap();
    let writes_down_for = last_refused.map(|at| at - killed);
    assert_eq!(redis.primary_port(), Some(redis.replica.port), "the sentinels promoted the replica");
    assert_ne!(redis.replica.port, old_primary);

    let done = loop {
        match queue.list(&JobFilter::default(), 1, 1).await {
            Ok(list) if list.counts.done == JOBS as u64 => break list.counts,
            Ok(list) if killed.elapsed() > Duration::from_secs(40) => panic!("not all jobs done: {:?}", list.counts),
            Ok(_) => {}
            Err(e) => assert!(killed.elapsed() < Duration::from_secs(20), "the queue never came back: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    stop.send(true).unwrap();
    for w in workers {
        w.await.unwrap();
    }
    serving.store(false, Ordering::Release);
    pages.await.unwrap();
    println!(
        "failover: enqueues refused for {writes_down_for:?} after the kill ({refused} tries); {done:?}; pages {:?}",
        statuses.lock().unwrap()
    );

    let runs = std::fs::read_to_string(&marker).unwrap();
    let mut per_job: HashMap<&str, usize> = HashMap::new();
    for id in runs.lines() {
        *per_job.entry(id).or_default() += 1;
    }
    let twice: Vec<_> = per_job.iter().filter(|(_, &n)| n > 1).collect();
    assert_eq!(per_job.len(), JOBS, "every acknowledged job ran");
    assert!(twice.is_empty(), "a job ran more than once: {twice:?}");
    assert!(refused > 0, "the producer met the failover (else the kill came too late to test anything)");

    let statuses = statuses.lock().unwrap().clone();
    assert!(statuses.keys().all(|&s| s < 500), "pages failed during the failover: {statuses:?}");
    assert!(statuses.values().sum::<usize>() > 20, "pages were asked for throughout: {statuses:?}");

    let account = app.get_with("/account", &[("cookie", cookie.as_str())]).await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains("Failover Parent"), "the session outlived its primary");

    // The page cache works again on the new primary.
    let started = Instant::now();
    loop {
        let page = app.get("/apps?age=8-10").await;
        if page.headers.get("x-cache").is_some_and(|v| v == "hit") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the page cache never came back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
