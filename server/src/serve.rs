//! Wiring: opens the adapters the configuration names and runs the HTTP server.

use crate::adapters::browse_index::IndexedCatalog;
use crate::adapters::indexing_catalog::IndexingCatalog;
use crate::adapters::invalidating_catalog::InvalidatingCatalog;
use crate::adapters::meili_search::MeiliSearch;
use crate::adapters::memory_cache::MemoryPageCache;
use crate::adapters::redis_cache::{redis_host, RedisPageCache};
use crate::adapters::redis_changes::RedisChangeFeed;
use crate::adapters::redis_outbox::RedisOutbox;
use crate::adapters::redis_queue::RedisJobQueue;
use crate::adapters::redis_trends::RedisTrends;
use crate::adapters::sqlite_outbox::SqliteOutbox;
use crate::adapters::sqlite_queue::SqliteJobQueue;
use crate::adapters::sqlite_trends::SqliteTrends;
use crate::adapters::tantivy_search::TantivySearch;
use crate::alerts::AlertSinks;
use crate::config::Config;
use crate::jobs::schedule::run_scheduler;
use crate::jobs::{JobServices, Worker, WorkerConfig};
use crate::mail::{run_delivery, Mailer};
use crate::sessions::SessionBackend;
use crate::store::Store;
use crate::watchdog::{supervise, watch_dependencies, WatchdogConfig};
use app::domain::{JobFilter, JobKind, JobState};
use app::ports::{
    Accounts, AdminToken, AppState, Catalog, JobQueue, Outbox, PageCache, Reviews, SearchIndex, StoreError, Throttle,
    Trends,
};
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot open the catalog: {0}")]
    Store(#[from] StoreError),
    #[error("cannot set up {what}: {reason}")]
    Setup { what: String, reason: String },
    #[error("cannot open the search index: {0}")]
    Search(#[from] app::ports::SearchError),
    #[error("cannot open the job queue: {0}")]
    Queue(#[from] app::ports::QueueError),
    #[error("cannot open the mail outbox: {0}")]
    Outbox(#[from] app::ports::OutboxError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: std::net::SocketAddr, source: std::io::Error },
    #[error("server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Everything the HTTP layer is built from.
#[derive(Clone)]
pub struct Services {
    pub state: AppState,
    pub sessions: SessionBackend,
    /// False with `PAGE_CACHE=off`: the router leaves the page cache out.
    pub page_cache_enabled: bool,
    pub lifecycle: Arc<crate::http::health::Lifecycle>,
    /// App page views counted on this node, flushed to `state.trends`.
    pub views: crate::http::view_counter::ViewTally,
}

/// What parents keep on the site: their accounts and their reviews.
pub struct People {
    pub accounts: Arc<dyn Accounts>,
    pub reviews: Arc<dyn Reviews>,
}

impl People {
    pub fn of(store: &Store) -> People {
        People { accounts: store.accounts(), reviews: store.reviews() }
    }
}

/// Opens the page cache and session store the configuration names, and puts the browse
/// index and the cache invalidation in front of the store.
pub async fn services(config: &Config, store: Arc<dyn Catalog>, people: People) -> Result<Services, ServeError> {
    app::api::password::set_concurrency(config.password_hashers);
    let cache = &config.cache;
    let (page_cache, sessions): (Arc<dyn PageCache>, SessionBackend) = match &cache.redis_url {
        Some(url) => {
            let setup = |e: &dyn std::fmt::Display| ServeError::Setup {
                what: format!("redis at {}", redis_host(url)),
                reason: e.to_string(),
            };
            let pages = RedisPageCache::connect(url, &cache.redis_prefix, cache.l1_bytes, cache.ttl)
                .await
                .map_err(|e| setup(&e))?;
            let sessions = SessionBackend::redis(url).await.map_err(|e| setup(&e))?;
            (Arc::new(pages), sessions)
        }
        None => {
            let sessions = SessionBackend::sqlite(&config.data_dir)
                .await
                .map_err(|e| ServeError::Setup { what: "the session store".into(), reason: e.to_string() })?;
            (Arc::new(MemoryPageCache::new(cache.l1_bytes, cache.ttl)), sessions)
        }
    };
    let started = Instant::now();
    let indexed = match &cache.redis_url {
        // Other processes (nodes, workers) write this store too: follow their writes.
        Some(url) => {
            let feed = RedisChangeFeed::connect(url, &cache.redis_prefix).await.map_err(|e| ServeError::Setup {
                what: format!("redis at {}", redis_host(url)),
                reason: e.to_string(),
            })?;
            IndexedCatalog::build_following(store, Arc::new(feed)).await?
        }
        None => IndexedCatalog::build(store).await?,
    };
    tracing::info!(apps = indexed.indexed_count(), ms = started.elapsed().as_millis() as u64, "browse index built");
    tracing::info!(page_cache = page_cache.backend(), sessions = sessions.name(), "caches ready");
    let jobs = job_queue(config).await?;
    let search = open_search(config).await?;
    let outbox = open_outbox(config).await?;
    let trends = open_trends(config).await?;
    let throttle = open_throttle(config).await?;
    let catalog = InvalidatingCatalog::new(Arc::new(indexed), page_cache.clone());
    let catalog = IndexingCatalog::new(Arc::new(catalog), jobs.clone());
    let admin_token = config.admin_token.clone().unwrap_or_else(|| {
        let token = generated_token();
        // Printed, not logged: it must not end up in log storage.
        println!("ADMIN_TOKEN is not set; this run's admin token (sign in at /admin): {token}");
        token
    });
    let state = AppState {
        leptos_options: config.leptos_options(),
        catalog: Arc::new(catalog),
        asset_url: config.web.asset_url.clone(),
        canonical_url: config.web.canonical_url.clone(),
        page_cache,
        page_cache_stats: Arc::default(),
        admin_token: Arc::new(AdminToken::new(admin_token)),
        jobs,
        search,
        outbox,
        trends,
        accounts: people.accounts,
        reviews: people.reviews,
        throttle,
    };
    Ok(Services {
        state,
        sessions,
        page_cache_enabled: config.cache.pages_enabled,
        lifecycle: Arc::default(),
        views: Default::default(),
    })
}

async fn job_queue(config: &Config) -> Result<Arc<dyn JobQueue>, ServeError> {
    Ok(match &config.cache.redis_url {
        Some(url) => Arc::new(RedisJobQueue::connect(url, &config.cache.redis_prefix).await?),
        None => Arc::new(SqliteJobQueue::open(&config.data_dir).await?),
    })
}

/// Beside the job queue: in Redis with `REDIS_URL`, else `DATA_DIR/outbox.db`.
pub async fn open_outbox(config: &Config) -> Result<Arc<dyn Outbox>, ServeError> {
    Ok(match &config.cache.redis_url {
        Some(url) => Arc::new(RedisOutbox::connect(url, &config.cache.redis_prefix).await?),
        None => Arc::new(SqliteOutbox::open(&config.data_dir).await?),
    })
}

/// Page views and trending lists: in Redis with `REDIS_URL`, else `DATA_DIR/trends.db`.
pub async fn open_trends(config: &Config) -> Result<Arc<dyn Trends>, ServeError> {
    let setup =
        |e: app::ports::TrendsError| ServeError::Setup { what: "the trends store".into(), reason: e.to_string() };
    Ok(match &config.cache.redis_url {
        Some(url) => Arc::new(RedisTrends::connect(url, &config.cache.redis_prefix).await.map_err(setup)?),
        None => Arc::new(SqliteTrends::open(&config.data_dir).await.map_err(setup)?),
    })
}

/// Sign-in throttling: shared in Redis with `REDIS_URL`, else in this process.
pub async fn open_throttle(config: &Config) -> Result<Arc<dyn Throttle>, ServeError> {
    Ok(match &config.cache.redis_url {
        Some(url) => Arc::new(
            crate::adapters::redis_throttle::RedisThrottle::connect(url, &config.cache.redis_prefix)
                .await
                .map_err(|e| ServeError::Setup { what: "the sign-in throttle".into(), reason: e.to_string() })?,
        ),
        None => Arc::new(crate::adapters::memory_throttle::MemoryThrottle::new()),
    })
}

/// The mail delivery loop, when `SMTP_URL` is set (supervised: restarted if it panics).
pub fn start_mail_delivery(
    config: &Config,
    outbox: Arc<dyn Outbox>,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Result<Option<tokio::task::JoinHandle<()>>, ServeError> {
    let Some(url) = &config.mail.smtp_url else {
        return Ok(None);
    };
    let mailer =
        Mailer::new(url, &config.mail.from).map_err(|reason| ServeError::Setup { what: "SMTP".into(), reason })?;
    let every = std::time::Duration::from_secs(2);
    Ok(Some(tokio::spawn(supervise("mail delivery", stop.clone(), move || {
        run_delivery(outbox.clone(), mailer.clone(), every, stop.clone())
    }))))
}

/// The webhook and, with `ALERT_EMAIL`, the outbox.
pub fn alert_sinks(config: &Config, outbox: &Arc<dyn Outbox>) -> AlertSinks {
    AlertSinks::new(config.alert_webhook.clone(), config.mail.alert_email.clone().map(|to| (outbox.clone(), to)))
}

/// Meilisearch when `MEILI_URL` is set, else the Tantivy index under `DATA_DIR/search`.
pub async fn open_search(config: &Config) -> Result<Arc<dyn SearchIndex>, ServeError> {
    let search = &config.search;
    Ok(match &search.meili_url {
        Some(url) => {
            let meili = MeiliSearch::new(url, search.meili_key.as_deref(), &search.meili_index)?;
            match meili.ready().await {
                Ok(()) => tracing::info!(host = meili.host(), index = %search.meili_index, "search: meilisearch"),
                // Degrade, don't fail: searches answer from the catalog until it is back.
                Err(e) => tracing::warn!(
                    host = meili.host(),
                    "Meilisearch is not answering ({e}); searches use the catalog until it does"
                ),
            }
            Arc::new(meili)
        }
        None => {
            let dir = config.data_dir.clone();
            let tantivy = tokio::task::spawn_blocking(move || TantivySearch::open(&dir))
                .await
                .map_err(|e| ServeError::Setup { what: "the search index".into(), reason: e.to_string() })??;
            Arc::new(tantivy)
        }
    })
}

/// An empty search index over a catalog with apps (a fresh install, a seeded store, a new
/// Meilisearch), or one an older version wrote, gets a rebuild queued, unless one is already
/// waiting or running.
async fn queue_reindex_if_needed(state: &AppState) {
    let (indexed, apps) = match (state.search.count().await, state.catalog.count().await) {
        (Ok(i), Ok(a)) => (i, a),
        _ => return,
    };
    let outdated = indexed > 0 && state.search.outdated().await.unwrap_or(false);
    if (indexed > 0 && !outdated) || apps == 0 {
        return;
    }
    let why = if outdated { "an older version wrote it" } else { "it is empty" };
    let pending = |s: JobState| JobFilter { kind: Some(JobKind::ReindexSearch), state: Some(s) };
    for state_filter in [JobState::Queued, JobState::Running] {
        if state.jobs.list(&pending(state_filter), 1, 1).await.is_ok_and(|l| l.total > 0) {
            return;
        }
    }
    match state.jobs.enqueue(JobKind::ReindexSearch, "{}", 3).await {
        Ok(job) => tracing::info!(apps, job = %job.id, "search index: {why}; rebuild queued"),
        Err(e) => tracing::warn!("search index: {why}, and a rebuild cannot be queued: {e}"),
    }
}

fn generated_token() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 32)
}

pub async fn serve(config: Config) -> Result<(), ServeError> {
    let store = Store::open(&config).await?;
    tracing::info!(store = %store.describe(&config), "catalog open");
    let services = services(&config, store.catalog(), People::of(&store)).await?;
    queue_reindex_if_needed(&services.state).await;
    let app = crate::http::router(services.clone(), &config.web);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let background = if config.serve_runs_worker {
        start_worker(&config, &services, app.clone(), stopped)?
    } else {
        tokio::spawn(watch_dependencies(services.state.clone(), watchdog_config(&config, &services.state), stopped))
    };
    let flusher = tokio::spawn(crate::http::view_counter::run_flusher(
        services.views.clone(),
        services.state.trends.clone(),
        std::time::Duration::from_secs(10),
        stop.subscribe(),
    ));
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| ServeError::Bind { addr: config.addr, source })?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    let (lifecycle, drain) = (services.lifecycle.clone(), config.web.drain);
    let stopping = async move {
        shutdown_signal().await;
        lifecycle.start_draining();
        tracing::info!(seconds = drain.as_secs(), "draining: /readyz answers 503 before the server stops");
        tokio::time::sleep(drain).await;
    };
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(stopping)
        .await?;
    let _ = stop.send(true);
    let _ = background.await;
    let _ = flusher.await;
    tracing::info!("stopped");
    Ok(())
}

/// The worker, the scheduler of periodic jobs and the dependency watchdog, until `stop`; the
/// worker and the scheduler are restarted if they panic.
fn start_worker(
    config: &Config,
    services: &Services,
    router: axum::Router,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, ServeError> {
    let worker_config =
        WorkerConfig { concurrency: config.worker_concurrency, lease: config.job_lease, ..WorkerConfig::default() };
    let state = &services.state;
    let job_services = JobServices {
        catalog: state.catalog.clone(),
        router: Some(router),
        search: Some(state.search.clone()),
        page_cache: Some(state.page_cache.clone()),
        trends: Some(state.trends.clone()),
        reviews: Some(state.reviews.clone()),
        accounts: Some(state.accounts.clone()),
        outbox: Some(state.outbox.clone()),
        site_url: state.canonical_url.clone(),
    };
    let queue = services.state.jobs.clone();
    let schedules = config.schedules.clone();
    let scheduler = {
        let (queue, stop) = (queue.clone(), stop.clone());
        tokio::spawn(supervise("scheduler", stop.clone(), move || {
            run_scheduler(queue.clone(), schedules.clone(), stop.clone())
        }))
    };
    let watchdog = tokio::spawn(watch_dependencies(state.clone(), watchdog_config(config, state), stop.clone()));
    let mail = start_mail_delivery(config, state.outbox.clone(), stop.clone())?;
    Ok(tokio::spawn(async move {
        let worker_stop = stop.clone();
        supervise("worker", stop, move || {
            Worker::new(queue.clone(), job_services.clone(), worker_config.clone()).run(worker_stop.clone())
        })
        .await;
        let _ = scheduler.await;
        let _ = watchdog.await;
        if let Some(mail) = mail {
            let _ = mail.await;
        }
    }))
}

fn watchdog_config(config: &Config, state: &AppState) -> WatchdogConfig {
    WatchdogConfig {
        node: config.web.node_name.clone(),
        every: config.watchdog_every,
        slow: config.watchdog_slow,
        alerts: alert_sinks(config, &state.outbox),
    }
}

/// `famigo worker`: runs jobs only, until SIGTERM or Ctrl-C.
pub async fn worker_command(config: Config) -> Result<(), ServeError> {
    let store = Store::open(&config).await?;
    let services = services(&config, store.catalog(), People::of(&store)).await?;
    let router = crate::http::router(services.clone(), &config.web);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = start_worker(&config, &services, router, stopped)?;
    shutdown_signal().await;
    let _ = stop.send(true);
    let _ = worker.await;
    Ok(())
}

/// `famigo reindex`: rebuilds the search index from the catalog with a progress bar; searches
/// keep answering from the old index until the new one is swapped in.
pub async fn reindex_command(config: Config) -> Result<(), ServeError> {
    let store = Store::open(&config).await?.catalog();
    let search = open_search(&config).await?;
    let bar = indicatif::ProgressBar::new(store.count().await?);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} apps ({per_sec})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let report = {
        let bar = bar.clone();
        move |done: u64, total: u64| {
            bar.set_length(total);
            bar.set_position(done);
        }
    };
    let indexed = search.rebuild(&*store, &report).await?;
    bar.finish();
    println!("indexed {indexed} apps into {} in {:.1} s", search.backend(), started.elapsed().as_secs_f64());
    Ok(())
}

pub async fn seed_command(config: &Config, apps: usize, seed: u64, if_empty: bool) -> Result<(), ServeError> {
    let store = Store::open(config).await?;
    let existing = store.catalog().count().await?;
    if if_empty && existing > 0 {
        tracing::info!(existing, "catalog already has apps; not seeding");
        return Ok(());
    }
    let started = Instant::now();
    crate::seed::seed(&*store.catalog(), apps, seed).await?;
    tracing::info!(apps, seconds = started.elapsed().as_secs_f64(), "seeded");
    store.close().await;
    Ok(())
}

/// `famigo migrate`: brings the store's schema (tables, indexes) up to date and says where it is.
pub async fn migrate_command(config: &Config) -> Result<(), ServeError> {
    let store = Store::open(config).await?;
    // Opening already applied what was pending; this run reports the state (and would apply
    // a migration another process added meanwhile).
    let migrated = store.migrate().await?;
    let applied = if migrated.applied.is_empty() {
        "nothing to apply".to_string()
    } else {
        format!("applied {}", migrated.applied.join(", "))
    };
    println!("{}: schema at version {} ({applied})", store.describe(config), migrated.version);
    store.close().await;
    Ok(())
}

/// `famigo export`: every app as JSON Lines, to `out` or standard output.
pub async fn export_command(config: &Config, out: Option<std::path::PathBuf>) -> Result<(), ServeError> {
    let store = Store::open(config).await?;
    let setup = |what: String, e: &dyn std::fmt::Display| ServeError::Setup { what, reason: e.to_string() };
    let mut writer: Box<dyn std::io::Write + Send> = match &out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|e| setup(format!("the export file {}", path.display()), &e))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let written =
        crate::transfer::export(&*store.catalog(), &mut *writer).await.map_err(|e| setup("the export".into(), &e))?;
    drop(writer);
    eprintln!("exported {written} apps from {}", store.describe(config));
    store.close().await;
    Ok(())
}

/// `famigo import FILE`: upserts the apps of a JSON Lines file; lists every bad line and fails
/// (exit 1) if there was one, after writing the good ones.
pub async fn import_command(config: &Config, path: &std::path::Path) -> Result<(), ServeError> {
    let store = Store::open(config).await?;
    let report = crate::transfer::import(&*store.catalog(), &path.to_string_lossy())
        .await
        .map_err(|e| ServeError::Setup { what: format!("the import of {}", path.display()), reason: e.to_string() })?;
    store.close().await;
    for error in &report.errors {
        eprintln!("line {}: {}: {}", error.line, error.field, error.reason);
    }
    if report.error_count > report.errors.len() as u64 {
        eprintln!("… and {} more bad lines", report.error_count - report.errors.len() as u64);
    }
    eprintln!("imported {} of {} apps into {}", report.imported, report.rows, store.describe(config));
    if report.error_count > 0 {
        return Err(ServeError::Setup {
            what: format!("all of {}", path.display()),
            reason: format!("{} bad lines were not imported (listed above)", report.error_count),
        });
    }
    Ok(())
}

/// `famigo createadmin`: the account with `email` becomes an administrator; a new account is
/// made for it if there is none.
pub async fn createadmin_command(config: &Config, email: &str, name: Option<&str>) -> Result<(), ServeError> {
    let store = Store::open(config).await?;
    let accounts = store.accounts();
    let setup = |e: &dyn std::fmt::Display| ServeError::Setup {
        what: "the administrator account".into(),
        reason: e.to_string(),
    };
    if let Some(record) = accounts.user_by_email(email).await.map_err(|e| setup(&e))? {
        accounts.set_role(&record.user.id, app::domain::Role::Admin).await.map_err(|e| setup(&e))?;
        println!("{email} is now an administrator (password unchanged)");
        store.close().await;
        return Ok(());
    }
    let (password, generated) = if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        (generated_token(), true)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map_err(|e| setup(&e))?;
        (line.trim_end_matches(['\r', '\n']).to_string(), false)
    };
    app::domain::check_password(&password).map_err(|e| setup(&format!("the password on standard input: {e}")))?;
    let display_name = app::domain::display_name(name.unwrap_or_else(|| email.split('@').next().unwrap_or(email)))
        .map_err(|e| setup(&format!("--name: {e}")))?;
    let password_hash = app::api::password::hash(password.clone()).await.map_err(|e| setup(&e))?;
    let new =
        app::ports::NewUser { email: email.to_string(), display_name, password_hash, role: app::domain::Role::Admin };
    accounts.create_user(&new).await.map_err(|e| setup(&e))?;
    if generated {
        println!("created administrator {email} with the password {password} (change it at /account)");
    } else {
        println!("created administrator {email}");
    }
    store.close().await;
    Ok(())
}

/// `famigo outbox`: the newest mail, one line each, and where the outbox is.
pub async fn outbox_command(config: &Config, limit: usize) -> Result<(), ServeError> {
    let outbox = open_outbox(config).await?;
    let mails = outbox.recent(limit).await?;
    let delivery =
        if config.mail.smtp_url.is_some() { "delivered over SMTP_URL" } else { "kept here: SMTP_URL is not set" };
    println!("outbox ({}, {delivery}): {} newest", outbox.backend(), mails.len());
    for mail in mails {
        let at = chrono::DateTime::from_timestamp_millis(mail.created_at)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default();
        let error = mail.last_error.map(|e| format!(" — {e}")).unwrap_or_default();
        println!("{at}  {:<7} ×{}  {}  {}{error}", mail.state.slug(), mail.attempts, mail.to, mail.subject);
    }
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C; in-flight requests then finish before the server stops.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
