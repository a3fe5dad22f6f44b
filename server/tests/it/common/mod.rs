//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod browser;
pub mod mongo;
pub mod redis;
pub mod smtp;

use app::domain::{App, SortOrder};
use app::ports::Catalog;
use famigo::catalog::browse_index::BrowseIndex;
use std::cmp::Ordering;
use std::sync::Arc;
use tempfile::TempDir;

/// Says why a test cannot run here (`skipped: <reason>`) and gives None — or fails the test when
/// `FAMIGO_REQUIRE_BACKENDS` (a comma list, or `all`) names `backend`: `make test` installs
/// those, so a missing one there is a broken setup, not a pass.
pub fn skip<T>(backend: &str, reason: &str) -> Option<T> {
    let required = std::env::var("FAMIGO_REQUIRE_BACKENDS").unwrap_or_default();
    if required.split(',').map(str::trim).any(|name| name == backend || name == "all") {
        panic!("{backend} is required here (FAMIGO_REQUIRE_BACKENDS={required}) but missing: {reason}");
    }
    println!("skipped: {reason}");
    None
}

/// One test per check and backend, each on a fresh setup: `backend_suite!([sqlite: setup_fn,
/// redis: other_fn], [check_a, check_b])` makes module `sqlite` where test `check_a` awaits
/// `setup_fn()` (None: the backend is missing, see `skip`), then the calling module's
/// `check_a(&setup)`, then the teardown (`then Setup::done`; by default the setup is dropped);
/// and the same in module `redis`.
macro_rules! backend_suite {
    ([$($backend:ident: $setup:path),+ $(,)?], $checks:tt $(,)?) => {
        $($crate::common::backend_suite!($backend, $setup, $checks);)+
    };
    ([$($backend:ident: $setup:path),+ $(,)?], $checks:tt, then $teardown:path) => {
        $($crate::common::backend_suite!($backend, $setup, $checks, then $teardown);)+
    };
    ($backend:ident, $setup:path, [$($check:ident),+ $(,)?]) => {
        $crate::common::backend_suite!($backend, $setup, [$($check),+], then $crate::common::dispose);
    };
    ($backend:ident, $setup:path, [$($check:ident),+ $(,)?], then $teardown:path) => {
        mod $backend {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $check() {
                    let Some(setup) = $setup().await else { return };
                    super::$check(&setup).await;
                    $teardown(setup).await;
                }
            )+
        }
    };
}
pub(crate) use backend_suite;

/// The default teardown of a backend suite: drop the setup (its servers and directories).
pub async fn dispose<T>(setup: T) {
    drop(setup);
}

/// A tool `scripts/test-deps.sh` installed under `~/.cache/famigo` (`rel` inside it), if there.
pub fn cached_tool(rel: &str) -> Option<std::path::PathBuf> {
    let cache = std::env::var("XDG_CACHE_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|_| std::env::var("HOME").map(|h| std::path::PathBuf::from(h).join(".cache")))
        .ok()?;
    let path = cache.join("famigo").join(rel);
    path.exists().then_some(path)
}

/// The `famigo` binary with nothing of this process's environment but `PATH`: its data in
/// `data`, logging at `log` (`info`, `warn`…).
pub fn famigo_command(data: impl AsRef<std::path::Path>, log: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_famigo"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATA_DIR", data.as_ref())
        .env("RUST_LOG", log);
    cmd
}

/// A catalog under test plus whatever must live as long as it (its temp dir, its server).
pub struct TestCatalog {
    pub catalog: Arc<dyn Catalog>,
    _keep: Box<dyn std::any::Any>,
}

pub async fn sqlite() -> Option<TestCatalog> {
    let dir = TempDir::new().expect("temp dir");
    let catalog = famigo::sqlite::Sqlite::open(dir.path()).await.expect("open sqlite").catalog();
    Some(TestCatalog { catalog: Arc::new(catalog), _keep: Box::new(dir) })
}

/// The browse index in front of SQLite, as `famigo serve` runs it.
pub async fn indexed_sqlite() -> Option<TestCatalog> {
    let dir = TempDir::new().expect("temp dir");
    let store = famigo::sqlite::Sqlite::open(dir.path()).await.expect("open sqlite").catalog();
    let catalog = BrowseIndex::build(Arc::new(store)).await.expect("build index");
    Some(TestCatalog { catalog: Arc::new(catalog), _keep: Box::new(dir) })
}

/// The MongoDB adapter on a fresh database (see `mongo::MongoServer`); None when there is
/// no MongoDB to test against (the reason is printed).
pub async fn mongodb() -> Option<TestCatalog> {
    let server = mongo::MongoServer::start()?;
    let catalog = famigo::mongo::Mongo::open(&server.url, &server.database)
        .await
        .unwrap_or_else(|e| panic!("open the MongoDB catalog on {}: {e}", server.kind))
        .catalog();
    Some(TestCatalog { catalog: Arc::new(catalog), _keep: Box::new(server) })
}

/// The reference order of the `Catalog` contract, written independently of any adapter.
pub fn reference_order(sort: SortOrder, a: &App, b: &App) -> Ordering {
    let slug = a.slug.cmp(&b.slug);
    match sort {
        SortOrder::TopRated => {
            b.rating_score().total_cmp(&a.rating_score()).then(b.rating_count.cmp(&a.rating_count)).then(slug)
        }
        SortOrder::Newest => b.released.cmp(&a.released).then(slug),
        SortOrder::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(slug),
        SortOrder::Learning => {
            let subjects = |app: &App| app.facts.learning.subjects.len().min(15);
            b.learning_rating
                .cmp(&a.learning_rating)
                .then(subjects(b).cmp(&subjects(a)))
                .then(b.rating_score().total_cmp(&a.rating_score()))
                .then(slug)
        }
    }
}

/// The whole HTTP app over a seeded temporary catalog, driven without a socket.
pub struct TestApp {
    pub router: axum::Router,
    pub catalog: Arc<dyn Catalog>,
    pub stats: Arc<app::ports::PageCacheStats>,
    /// The ports the app runs on (job queue, search index, page cache…).
    pub state: app::ports::AppState,
    pub lifecycle: Arc<famigo::ops::health::Lifecycle>,
    /// App page views counted and not yet flushed to `state.trends`.
    pub views: famigo::http::view_counter::ViewTally,
    _dir: TempDir,
}

impl TestApp {
    pub async fn seeded(apps: usize) -> TestApp {
        Self::with_env(apps, &[]).await
    }

    /// Like `seeded`, with extra configuration variables.
    pub async fn with_env(apps: usize, vars: &[(&str, &str)]) -> TestApp {
        Self::build(None, apps, vars, true).await
    }

    /// The app over `store` (seeded with `apps` more apps) instead of SQLite.
    pub async fn on_store(store: Arc<dyn Catalog>, apps: usize) -> TestApp {
        Self::build(Some(store), apps, &[], true).await
    }

    /// A node whose search index nobody has built yet (its worker runs elsewhere).
    pub async fn with_unbuilt_search(apps: usize) -> TestApp {
        Self::build(None, apps, &[], false).await
    }

    async fn build(catalog: Option<Arc<dyn Catalog>>, apps: usize, vars: &[(&str, &str)], index: bool) -> TestApp {
        let dir = TempDir::new().expect("temp dir");
        let data_dir = dir.path().to_str().expect("utf-8 temp path").to_string();
        let mut env = vec![("DATA_DIR", data_dir.as_str())];
        env.extend_from_slice(vars);
        let config = famigo::config::Config::from_env(&famigo::config::Env::from_pairs(env)).expect("config");
        // Accounts and reviews live beside the catalog in SQLite (on another store too: they are not
        // what those tests are about).
        let store = famigo::wiring::Store::open(&config).await.expect("open sqlite");
        let store = match catalog {
            Some(catalog) => store.with_catalog(catalog),
            None => store,
        };
        famigo::catalog::seed::seed(&*store.catalog, apps, 42).await.expect("seed");
        let backends = famigo::wiring::Backends::around(&config, store).await.expect("backends");
        let services = backends.into_site(&config).await.expect("site");
        let state = services.state.clone();
        // What the reindex job `famigo serve` queues for an empty index would do.
        if index {
            if let Err(e) = state.search.rebuild(&*state.catalog, &|_, _| {}).await {
                println!("search index not built ({e}): searches fall back to the catalog");
            }
        }
        let catalog = state.catalog.clone();
        let stats = state.page_cache_stats.clone();
        let lifecycle = services.lifecycle.clone();
        let views = services.views.clone();
        TestApp {
            router: famigo::http::router(services, &config.web),
            catalog,
            stats,
            state,
            lifecycle,
            views,
            _dir: dir,
        }
    }

    /// Runs a worker with every service until no job is queued or running (at most 30 s).
    pub async fn run_jobs(&self) {
        use app::domain::{JobFilter, JobState};
        let services = famigo::jobs::JobServices {
            site_url: Some("http://famigo.test".into()),
            ..famigo::jobs::JobServices::of(&self.state, self.router.clone(), self.data_dir().join("uploads"))
        };
        let config = famigo::jobs::WorkerConfig { poll: std::time::Duration::from_millis(10), ..Default::default() };
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let worker = tokio::spawn(famigo::jobs::Worker::new(self.state.jobs.clone(), services, config).run(stopped));
        let started = std::time::Instant::now();
        loop {
            let list = self.state.jobs.list(&JobFilter::default(), 1, 1).await.expect("list jobs");
            if list.counts.of(JobState::Queued) + list.counts.of(JobState::Running) + list.counts.of(JobState::Failed)
                == 0
            {
                break;
            }
            assert!(started.elapsed() < std::time::Duration::from_secs(30), "jobs did not finish: {:?}", list.counts);
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        stop.send(true).expect("stop worker");
        worker.await.expect("worker");
    }

    /// A parent signed up through the site's own form (five at most per test app: sign-ups are
    /// limited per address): the session cookie their browser holds.
    pub async fn signed_in_parent(&self, email: &str, name: &str) -> String {
        browser::sign_up(self, email, name).await
    }

    /// The app's `DATA_DIR` (a temporary directory removed with the app).
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// The id of the account with this email.
    pub async fn user_id(&self, email: &str) -> String {
        self.state.accounts.user_by_email(email).await.expect("accounts").expect("an account").user.id
    }

    /// The account with this email gets the administrator role (what `famigo createadmin`
    /// does); its browsers stay signed in.
    pub async fn make_admin(&self, email: &str) {
        let id = self.user_id(email).await;
        assert!(self.state.accounts.set_role(&id, app::domain::Role::Admin).await.expect("accounts"));
    }

    pub async fn get(&self, uri: &str) -> Response {
        self.send(axum::http::Request::get(uri).body(axum::body::Body::empty()).expect("request")).await
    }

    pub async fn get_with(&self, uri: &str, headers: &[(&str, &str)]) -> Response {
        let mut request = axum::http::Request::get(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(axum::body::Body::empty()).expect("request")).await
    }

    pub async fn post_json(&self, uri: &str, json: &str) -> Response {
        let request = axum::http::Request::post(uri)
            .header("content-type", "application/json")
            .body(axum::body::Body::from(json.to_string()))
            .expect("request");
        self.send(request).await
    }

    pub async fn send(&self, request: axum::http::Request<axum::body::Body>) -> Response {
        use tower::ServiceExt;
        let response = self.router.clone().oneshot(request).await.expect("infallible");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await.expect("body");
        Response { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }
}

pub struct Response {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Response {
    /// The slug of every app card on the page, in order.
    pub fn card_slugs(&self) -> Vec<String> {
        self.body.split("data-card=\"").skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_string).collect()
    }

    /// The data of each resource the page hands to the browser for hydration, as the page
    /// writes it (`__RESOLVED_RESOURCES[id] = "…"`).
    pub fn resolved_resources(&self) -> Vec<String> {
        self.body
            .split("__RESOLVED_RESOURCES[")
            .skip(1)
            .filter_map(|rest| rest.split_once("] = \"").map(|(_, data)| data))
            .filter_map(|data| data.split("\";").next())
            .map(str::to_string)
            .collect()
    }
}
