//! Job queue throughput and the catalog import, in one run:
//! - no-op jobs through the embedded queue, through one Redis and through a Redis Cluster of
//!   three primaries, with one and two workers (jobs/s from the first claim to the last
//!   completion);
//! - `import_catalog` of 100k JSON Lines rows into the store behind the browse index and the
//!   page-cache invalidation, as `famigo serve` wires them (end to end, index included).
//!
//! `cargo bench -p server --bench jobs` (BENCH_JOBS=2000, BENCH_IMPORT=100000).
//! Starts its own redis-server on 127.0.0.1:3231 and a cluster on 3232–3234 (Debian's
//! `redis-server` and `redis-cli` must be installed).

use app::domain::{JobFilter, JobKind, JobState};
use app::ports::{Catalog, JobQueue};
use famigo::catalog::browse_index::BrowseIndex;
use famigo::catalog::cache_invalidation::CacheInvalidatingCatalog;
use famigo::jobs::{JobServices, Worker, WorkerConfig};
use famigo::memory::page_cache::MemoryPageCache;
use famigo::redis::queue::RedisJobQueue;
use famigo::sqlite::queue::SqliteJobQueue;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

const REDIS_PORT: u16 = 3231;
const CLUSTER_PORTS: [u16; 3] = [3232, 3233, 3234];

fn redis_server(port: u16, flags: &[&str]) -> std::process::Child {
    std::process::Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .args(flags)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("redis-server (Debian package) must be installed")
}

/// Three cluster-enabled servers joined by `redis-cli --cluster create`; their URL.
async fn start_cluster(dir: &std::path::Path, children: &mut Vec<std::process::Child>) -> String {
    for port in CLUSTER_PORTS {
        let config = dir.join(format!("nodes-{port}.conf"));
        let flags = ["--cluster-enabled", "yes", "--cluster-config-file", config.to_str().unwrap()];
        children.push(redis_server(port, &flags));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let nodes: Vec<String> = CLUSTER_PORTS.iter().map(|p| format!("127.0.0.1:{p}")).collect();
    let created = std::process::Command::new("redis-cli")
        .args(["--cluster", "create"])
        .args(&nodes)
        .arg("--cluster-yes")
        .stdout(std::process::Stdio::null())
        .status()
        .expect("redis-cli");
    assert!(created.success(), "redis-cli --cluster create");
    loop {
        let info = std::process::Command::new("redis-cli")
            .args(["-p", &CLUSTER_PORTS[0].to_string(), "cluster", "info"])
            .output()
            .expect("redis-cli");
        if String::from_utf8_lossy(&info.stdout).contains("cluster_state:ok") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    format!("redis+cluster://{}", nodes.join(","))
}

fn env_number(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn worker_config(name: &str) -> WorkerConfig {
    WorkerConfig { name: name.into(), concurrency: 8, poll: Duration::from_millis(5), ..Default::default() }
}

/// Runs `workers` workers over `queues` (one handle each) until every job is done.
async fn drain(queues: &[Arc<dyn JobQueue>], services: &JobServices, jobs: u64) -> Duration {
    let (stop, stopped) = watch::channel(false);
    let started = Instant::now();
    let handles: Vec<_> = queues
        .iter()
        .enumerate()
        .map(|(i, q)| {
            tokio::spawn(Worker::new(q.clone(), services.clone(), worker_config(&format!("w{i}"))).run(stopped.clone()))
        })
        .collect();
    loop {
        let counts = queues[0].list(&JobFilter { state: Some(JobState::Done), kind: None }, 1, 1).await.unwrap().counts;
        if counts.done >= jobs {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = started.elapsed();
    stop.send(true).unwrap();
    for h in handles {
        h.await.unwrap();
    }
    elapsed
}

/// Where a run's queue lives; every run starts from an empty one.
enum Backend {
    Sqlite,
    Redis(String),
}

impl Backend {
    /// A fresh, empty queue's location, and a way to open handles on it.
    fn fresh(&self, run: usize) -> (Option<tempfile::TempDir>, String) {
        match self {
            Backend::Sqlite => {
                let dir = tempfile::TempDir::new().unwrap();
                let path = dir.path().to_str().unwrap().to_string();
                (Some(dir), path)
            }
            Backend::Redis(_) => (None, format!("bench-run{run}")),
        }
    }

    async fn open(&self, location: &str) -> Arc<dyn JobQueue> {
        match self {
            Backend::Sqlite => Arc::new(SqliteJobQueue::open(std::path::Path::new(location)).await.unwrap()),
            Backend::Redis(url) => Arc::new(RedisJobQueue::connect(url, location).await.unwrap()),
        }
    }
}

async fn noop_row(name: &str, backend: &Backend, services: &JobServices, jobs: u64, run: &mut usize) {
    let mut cells = Vec::new();
    for workers in [1usize, 2] {
        *run += 1;
        let (_dir, location) = backend.fresh(*run);
        let mut queues = Vec::new();
        for _ in 0..workers {
            queues.push(backend.open(&location).await);
        }
        let started = Instant::now();
        for _ in 0..jobs {
            queues[0].enqueue(JobKind::Noop, "{}", 3).await.unwrap();
        }
        let enqueue_rate = jobs as f64 / started.elapsed().as_secs_f64();
        let elapsed = drain(&queues, services, jobs).await;
        cells.push(format!("{:.0} (enqueue {:.0}/s)", jobs as f64 / elapsed.as_secs_f64(), enqueue_rate));
    }
    println!("| {name} | {} | {} |", cells[0], cells[1]);
}

/// Every other port a job may use, embedded in `dir`, over `catalog`.
async fn services_over(dir: &tempfile::TempDir, catalog: Arc<dyn Catalog>) -> JobServices {
    let data_dir = dir.path().to_str().expect("utf-8 temp path");
    let config = famigo::config::Config::from_env(&famigo::config::Env::from_pairs([("DATA_DIR", data_dir)])).unwrap();
    famigo::wiring::job_services_over(&config, catalog).await.expect("job services")
}

#[tokio::main]
async fn main() {
    let jobs = env_number("BENCH_JOBS", 2000) as u64;
    let import_rows = env_number("BENCH_IMPORT", 100_000);
    let dir = tempfile::TempDir::new().unwrap();
    let store = Arc::new(famigo::sqlite::Sqlite::open(dir.path()).await.unwrap().catalog());
    let services = services_over(&dir, store.clone()).await;

    let mut servers = vec![redis_server(REDIS_PORT, &[])];
    tokio::time::sleep(Duration::from_millis(300)).await;
    let url = format!("redis://127.0.0.1:{REDIS_PORT}/0");
    let cluster_dir = tempfile::TempDir::new().unwrap();
    let cluster_url = start_cluster(cluster_dir.path(), &mut servers).await;

    println!("no-op jobs, {jobs} per run, 8 jobs at a time per worker, jobs/s\n");
    println!("| queue | 1 worker | 2 workers |");
    println!("|---|---:|---:|");
    let mut run = 0;
    noop_row("embedded (SQLite)", &Backend::Sqlite, &services, jobs, &mut run).await;
    noop_row("Redis", &Backend::Redis(url.clone()), &services, jobs, &mut run).await;
    noop_row("Redis Cluster, 3 primaries", &Backend::Redis(cluster_url), &services, jobs, &mut run).await;

    // Import: a JSON Lines file of generated apps into the store as the server wires it.
    let import_dir = tempfile::TempDir::new().unwrap();
    // Where an upload lands: the only place the job reads from.
    std::fs::create_dir_all(import_dir.path().join("uploads")).unwrap();
    let file = import_dir.path().join("uploads").join("import.jsonl");
    let lines: Vec<String> =
        famigo::catalog::seed::generate(import_rows, 3).map(|a| serde_json::to_string(&a).unwrap()).collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    let store = Arc::new(famigo::sqlite::Sqlite::open(import_dir.path()).await.unwrap().catalog());
    let indexed = Arc::new(BrowseIndex::build(store).await.unwrap());
    let cache = Arc::new(MemoryPageCache::new(64 << 20, Duration::from_secs(3600)));
    let catalog: Arc<dyn Catalog> = Arc::new(CacheInvalidatingCatalog::new(indexed, cache));
    let queue: Arc<dyn JobQueue> = Arc::new(SqliteJobQueue::open(import_dir.path()).await.unwrap());
    let args = serde_json::json!({ "path": file }).to_string();
    let job = queue.enqueue(JobKind::ImportCatalog, &args, 1).await.unwrap();
    let services = services_over(&import_dir, catalog.clone()).await;
    let elapsed = drain(std::slice::from_ref(&queue), &services, 1).await;
    let done = queue.get(&job.id).await.unwrap().unwrap();
    println!(
        "\nimport_catalog: {import_rows} rows in {:.1} s ({:.0} rows/s), {} apps in the catalog; result {}",
        elapsed.as_secs_f64(),
        import_rows as f64 / elapsed.as_secs_f64(),
        catalog.count().await.unwrap(),
        done.result.unwrap_or_default().chars().take(80).collect::<String>()
    );
    for mut server in servers {
        let _ = server.kill();
        let _ = server.wait();
    }
}
