//! Typed configuration from the environment (and `.env`). Every bad value is reported as one
//! line naming the variable; `main` exits with status 2.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{var}={value:?} is invalid: {reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub value: String,
    pub reason: String,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// Where `famigo serve` listens (`FAMIGO_ADDR`, default 127.0.0.1:3000).
    pub addr: SocketAddr,
    /// Where the embedded adapters keep their files (`DATA_DIR`, default ./data).
    pub data_dir: PathBuf,
    /// Tracing filter (`RUST_LOG`, default `info`).
    pub log_filter: String,
    pub site: SiteConfig,
    pub web: WebConfig,
    pub cache: CacheConfig,
    pub store: StoreConfig,
    pub search: SearchConfig,
    pub mail: MailConfig,
    /// Where `famigo monitor` and each process's watchdog POST their alerts as JSON
    /// (`ALERT_WEBHOOK_URL`).
    pub alert_webhook: Option<String>,
    /// How often the watchdog checks the dependencies (`WATCHDOG_SECONDS`, default 10).
    pub watchdog_every: std::time::Duration,
    /// A dependency slower than this is "slow" to the watchdog (`WATCHDOG_SLOW_MS`, default 1000).
    pub watchdog_slow: std::time::Duration,
    /// The secret that signs a browser in as administrator (`ADMIN_TOKEN`, at least 16
    /// characters). Unset: `famigo serve` makes one up and prints it once.
    pub admin_token: Option<String>,
    /// Whether `famigo serve` also runs a worker (`FAMIGO_WORKER`, `on` or `off`, default on).
    pub serve_runs_worker: bool,
    /// Jobs one worker runs at once (`WORKER_CONCURRENCY`, default 2).
    pub worker_concurrency: usize,
    /// How long a worker's claim on a job lasts without renewal (`JOB_LEASE_SECONDS`, default
    /// 30, renewed every third of it): a job whose worker died runs again after this.
    pub job_lease: std::time::Duration,
    /// Password hashes computed at once (`PASSWORD_HASHERS`, default half the cores, at least
    /// 1): more sign-ins than this wait their turn instead of taking every core from pages.
    pub password_hashers: usize,
    /// Periodic jobs: `SCHEDULE_<KIND>` (e.g. `SCHEDULE_WARM_CACHE`), a cron expression with
    /// seconds (`0 */5 * * * *`) or `off`.
    pub schedules: Vec<(app::domain::JobKind, cron::Schedule)>,
}

/// Kinds that run on a schedule unless configured otherwise; the others need theirs set.
pub const DEFAULT_SCHEDULES: &[(app::domain::JobKind, &str)] = &[
    (app::domain::JobKind::WarmCache, "0 */5 * * * *"),
    (app::domain::JobKind::RefreshTrending, "0 7 * * * *"),
    // Mondays at 08:00 UTC.
    (app::domain::JobKind::SendDigest, "0 0 8 * * Mon"),
];

/// The page cache and the session store: Redis when `REDIS_URL` is set, in-process otherwise.
#[derive(Clone, Debug)]
pub struct CacheConfig {
    /// `PAGE_CACHE=off` renders every request (no caching, no coalescing of concurrent
    /// misses): for measuring rendering and for debugging. Default on.
    pub pages_enabled: bool,
    /// `REDIS_URL`, like `redis://:password@host:6379/0`; None = embedded.
    pub redis_url: Option<String>,
    /// Prefix of every page-cache key and channel in Redis (`REDIS_PREFIX`, default `famigo`),
    /// so several sites can share one Redis.
    pub redis_prefix: String,
    /// Bytes the in-process page layer may hold (`PAGE_CACHE_MB`, default 64; 0 turns it off:
    /// with Redis every hit then comes from Redis, without Redis nothing is cached).
    pub l1_bytes: u64,
    /// Longest a page stays stored (`PAGE_CACHE_TTL`, seconds, default 3600): a safety net, not
    /// the way pages get fresh (writes invalidate them).
    pub ttl: std::time::Duration,
}

/// The catalog: MongoDB when `MONGODB_URL` is set, SQLite under `DATA_DIR` otherwise.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// `MONGODB_URL`, like `mongodb://user:pass@host:27017/?w=majority&readPreference=primary`:
    /// write concern, read preference and timeouts go in its options, as for any MongoDB client.
    pub mongodb_url: Option<String>,
    /// `MONGODB_DB`, default `famigo`.
    pub mongodb_db: String,
}

/// Outgoing mail: kept in the outbox (Redis with `REDIS_URL`, else `DATA_DIR/outbox.db`) and
/// delivered over SMTP when `SMTP_URL` is set.
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// `SMTP_URL`, as lettre reads it: `smtp://user:pass@host:587?tls=required`,
    /// `smtps://user:pass@host`, `smtp://127.0.0.1:25` (plain, a local relay).
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`, default `Famigo <noreply@famigo.localhost>`.
    pub from: String,
    /// `ALERT_EMAIL`: who gets the watchdog's and `famigo monitor`'s alerts by mail (they go
    /// into the outbox); unset = alerts are not mailed.
    pub alert_email: Option<String>,
}

/// Site search: Meilisearch when `MEILI_URL` is set, the embedded Tantivy index otherwise.
#[derive(Clone, Debug)]
pub struct SearchConfig {
    /// `MEILI_URL`, like `http://127.0.0.1:7700`.
    pub meili_url: Option<String>,
    /// `MEILI_KEY`: the master key or an API key allowed to manage the index.
    pub meili_key: Option<String>,
    /// `MEILI_INDEX`, default `apps`: the index uid (rebuilds use `<uid>_rebuild` and swap).
    pub meili_index: String,
}

/// How the site presents itself on the web: where assets come from and which old domains
/// redirect to it.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// Base URL pages use for `/pkg` assets, so a CDN can serve them (`ASSET_URL`), without a
    /// trailing slash.
    pub asset_url: Option<String>,
    /// The site's own origin, like `https://famigo.example` (`CANONICAL_URL`).
    pub canonical_url: Option<String>,
    /// Old host names whose requests get a 301 to `CANONICAL_URL` (`LEGACY_HOSTS`, comma list).
    pub legacy_hosts: Vec<String>,
    /// URLs per sitemap file before it splits into an index (`SITEMAP_URL_LIMIT`, default and
    /// maximum 50,000, the protocol's limit).
    pub sitemap_limit: usize,
    /// Where uploaded catalog files wait for their import (`DATA_DIR/uploads`). With several
    /// nodes, a volume every worker reads.
    pub upload_dir: PathBuf,
    /// This node's name (`FAMIGO_NODE`, default the host name), sent on every response as
    /// `x-famigo-node` so the load balancer's choices can be seen.
    pub node_name: String,
    /// How long a stopping node keeps serving while `/readyz` already says 503, so health
    /// checkers take it out first (`SHUTDOWN_DRAIN_SECONDS`, default 1).
    pub drain: std::time::Duration,
}

/// Where the built site (WASM, JS, CSS, public files) is, as cargo-leptos names it.
#[derive(Clone, Debug)]
pub struct SiteConfig {
    pub output_name: String,
    pub site_root: String,
    pub pkg_dir: String,
    pub reload_port: u32,
}

/// Reads variables from a map so tests can check parsing without touching the process env.
pub struct Env(HashMap<String, String>);

impl Env {
    pub fn from_process() -> Env {
        Env(std::env::vars().collect())
    }

    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Env {
        Env(pairs.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    fn get(&self, var: &str) -> Option<&str> {
        self.0.get(var).map(|s| s.as_str()).filter(|s| !s.trim().is_empty())
    }

    fn parsed<T: std::str::FromStr>(&self, var: &'static str, default: T, expected: &str) -> Result<T, ConfigError> {
        match self.get(var) {
            None => Ok(default),
            Some(text) => text.trim().parse().map_err(|_| ConfigError {
                var,
                value: text.to_string(),
                reason: expected.to_string(),
            }),
        }
    }
}

impl Env {
    /// An absolute http(s) URL, returned without a trailing slash. With `path_allowed`, it may
    /// carry a path (a CDN prefix); otherwise it must be an origin only.
    fn origin(&self, var: &'static str, path_allowed: bool) -> Result<Option<String>, ConfigError> {
        let Some(text) = self.get(var) else { return Ok(None) };
        let bad = |reason: &str| ConfigError { var, value: text.to_string(), reason: reason.to_string() };
        let uri: axum::http::Uri =
            text.trim().parse().map_err(|_| bad("expected a URL like https://famigo.example"))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.authority().is_none() {
            return Err(bad("expected an absolute http:// or https:// URL"));
        }
        if uri.query().is_some() || (!path_allowed && !matches!(uri.path(), "" | "/")) {
            return Err(bad(if path_allowed {
                "must not have a query"
            } else {
                "expected an origin only, without a path"
            }));
        }
        Ok(Some(text.trim().trim_end_matches('/').to_string()))
    }

    fn host_list(&self, var: &'static str) -> Result<Vec<String>, ConfigError> {
        let Some(text) = self.get(var) else { return Ok(Vec::new()) };
        text.split(',')
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .map(|host| {
                let valid = host.len() <= 253
                    && host.split('.').all(|label| {
                        !label.is_empty() && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    });
                if valid {
                    Ok(host)
                } else {
                    Err(ConfigError { var, value: text.to_string(), reason: format!("{host:?} is not a host name") })
                }
            })
            .collect()
    }
}

impl Env {
    /// `on` or `off`.
    fn switch(&self, var: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.get(var).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) if v == "on" => Ok(true),
            Some(v) if v == "off" => Ok(false),
            Some(v) => Err(ConfigError { var, value: v, reason: "expected on or off".into() }),
        }
    }

    fn schedules(&self) -> Result<Vec<(app::domain::JobKind, cron::Schedule)>, ConfigError> {
        let mut schedules = Vec::new();
        for &kind in app::domain::JobKind::ALL {
            let var = schedule_var(kind);
            let default = DEFAULT_SCHEDULES.iter().find(|(k, _)| *k == kind).map(|(_, e)| *e);
            let Some(expression) = self.get(var).or(default) else { continue };
            let expression = expression.trim();
            if expression.eq_ignore_ascii_case("off") {
                continue;
            }
            let schedule = expression.parse::<cron::Schedule>().map_err(|e| ConfigError {
                var,
                value: expression.to_string(),
                reason: format!("expected a cron expression with seconds, like \"0 */5 * * * *\", or off: {e}"),
            })?;
            schedules.push((kind, schedule));
        }
        Ok(schedules)
    }

    fn redis_url(&self, var: &'static str) -> Result<Option<String>, ConfigError> {
        let Some(text) = self.get(var) else { return Ok(None) };
        let text = text.trim();
        // The error names the variable but never echoes the URL: it may hold a password.
        let bad = |reason: String| ConfigError { var, value: "(hidden)".into(), reason };
        if !["redis://", "rediss://", "redis-cluster://", "redis-sentinel://"].iter().any(|s| text.starts_with(s)) {
            return Err(bad("expected a redis:// URL".into()));
        }
        fred::types::config::Config::from_url(text).map_err(|e| bad(e.to_string()))?;
        Ok(Some(text.to_string()))
    }

    fn mongodb_url(&self, var: &'static str) -> Result<Option<String>, ConfigError> {
        let Some(text) = self.get(var) else { return Ok(None) };
        let text = text.trim();
        let bad = |reason: String| ConfigError { var, value: "(hidden)".into(), reason };
        if !(text.starts_with("mongodb://") || text.starts_with("mongodb+srv://")) {
            return Err(bad("expected a mongodb:// or mongodb+srv:// URL".into()));
        }
        match mongodb::options::ConnectionString::parse(text) {
            Ok(_) => Ok(Some(text.to_string())),
            Err(e) => Err(bad(crate::mongo::redact(text, &e.to_string()))),
        }
    }

    fn smtp_url(&self, var: &'static str) -> Result<Option<String>, ConfigError> {
        let Some(text) = self.get(var) else { return Ok(None) };
        let text = text.trim();
        let bad = |reason: String| ConfigError { var, value: "(hidden)".into(), reason };
        if !(text.starts_with("smtp://") || text.starts_with("smtps://")) {
            return Err(bad("expected an smtp:// or smtps:// URL".into()));
        }
        match lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(text) {
            Ok(_) => Ok(Some(text.to_string())),
            Err(e) => Err(bad(e.to_string())),
        }
    }

    fn mailbox(&self, var: &'static str, default: Option<&str>) -> Result<Option<String>, ConfigError> {
        let Some(text) = self.get(var).or(default) else { return Ok(None) };
        match text.trim().parse::<lettre::message::Mailbox>() {
            Ok(_) => Ok(Some(text.trim().to_string())),
            Err(e) => Err(ConfigError {
                var,
                value: text.to_string(),
                reason: format!("expected an address like Name <name@example.org>: {e}"),
            }),
        }
    }

    fn node_name(&self) -> Result<String, ConfigError> {
        let name = match self.get("FAMIGO_NODE") {
            Some(name) => name.trim().to_string(),
            None => std::fs::read_to_string("/etc/hostname")
                .ok()
                .or_else(|| self.get("HOSTNAME").map(str::to_string))
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "famigo".into()),
        };
        let valid = !name.is_empty()
            && name.len() <= 64
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if valid {
            Ok(name)
        } else {
            Err(ConfigError {
                var: "FAMIGO_NODE",
                value: name,
                reason: "use 1 to 64 letters, digits, - _ . only".into(),
            })
        }
    }

    fn key_prefix(&self, var: &'static str, default: &str) -> Result<String, ConfigError> {
        let Some(text) = self.get(var) else { return Ok(default.to_string()) };
        let text = text.trim();
        if text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':')) {
            Ok(text.to_string())
        } else {
            Err(ConfigError { var, value: text.into(), reason: "use letters, digits, _ - . : only".into() })
        }
    }
}

/// `SCHEDULE_WARM_CACHE` for `warm_cache`, and so on.
pub fn schedule_var(kind: app::domain::JobKind) -> &'static str {
    use app::domain::JobKind::*;
    match kind {
        ReindexSearch => "SCHEDULE_REINDEX_SEARCH",
        IndexApp => "SCHEDULE_INDEX_APP",
        RecomputeRatings => "SCHEDULE_RECOMPUTE_RATINGS",
        RefreshTrending => "SCHEDULE_REFRESH_TRENDING",
        ImportCatalog => "SCHEDULE_IMPORT_CATALOG",
        WarmCache => "SCHEDULE_WARM_CACHE",
        SendDigest => "SCHEDULE_SEND_DIGEST",
        Noop => "SCHEDULE_NOOP",
    }
}

/// Loads `.env` from the working directory if there is one. A malformed file is an error.
pub fn load_dotenv() -> Result<(), ConfigError> {
    match dotenvy::dotenv() {
        Ok(_) => Ok(()),
        Err(e) if e.not_found() => Ok(()),
        Err(e) => Err(ConfigError { var: ".env", value: ".env".into(), reason: e.to_string() }),
    }
}

impl Config {
    pub fn from_env(env: &Env) -> Result<Config, ConfigError> {
        let default_addr: SocketAddr =
            env.parsed("LEPTOS_SITE_ADDR", SocketAddr::from(([127, 0, 0, 1], 3000)), "expected host:port")?;
        let addr = env.parsed("FAMIGO_ADDR", default_addr, "expected an address like 127.0.0.1:3000")?;
        let data_dir = PathBuf::from(env.get("DATA_DIR").unwrap_or("./data"));
        if data_dir.exists() && !data_dir.is_dir() {
            return Err(ConfigError {
                var: "DATA_DIR",
                value: data_dir.display().to_string(),
                reason: "exists but is not a directory".into(),
            });
        }
        let log_filter = env.get("RUST_LOG").unwrap_or("info").to_string();
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&log_filter) {
            return Err(ConfigError { var: "RUST_LOG", value: log_filter, reason: e.to_string() });
        }
        let site = SiteConfig {
            output_name: env.get("LEPTOS_OUTPUT_NAME").unwrap_or("famigo").to_string(),
            site_root: env.get("LEPTOS_SITE_ROOT").unwrap_or("target/site").to_string(),
            pkg_dir: env.get("LEPTOS_SITE_PKG_DIR").unwrap_or("pkg").to_string(),
            reload_port: env.parsed("LEPTOS_RELOAD_PORT", 3001, "expected a port number")?,
        };
        let web = WebConfig {
            asset_url: env.origin("ASSET_URL", true)?,
            canonical_url: env.origin("CANONICAL_URL", false)?,
            legacy_hosts: env.host_list("LEGACY_HOSTS")?,
            upload_dir: data_dir.join("uploads"),
            sitemap_limit: env.parsed(
                "SITEMAP_URL_LIMIT",
                50_000usize,
                "expected a number of URLs from 10 to 50000",
            )?,
            node_name: env.node_name()?,
            drain: std::time::Duration::from_secs(
                env.parsed::<u64>("SHUTDOWN_DRAIN_SECONDS", 1, "expected a whole number of seconds")?.min(300),
            ),
        };
        if !(10..=50_000).contains(&web.sitemap_limit) {
            return Err(ConfigError {
                var: "SITEMAP_URL_LIMIT",
                value: web.sitemap_limit.to_string(),
                reason: "expected a number of URLs from 10 to 50000".into(),
            });
        }
        if !web.legacy_hosts.is_empty() && web.canonical_url.is_none() {
            return Err(ConfigError {
                var: "LEGACY_HOSTS",
                value: web.legacy_hosts.join(","),
                reason: "needs CANONICAL_URL, the address to redirect to".into(),
            });
        }
        let pages_enabled = env.switch("PAGE_CACHE", true)?;
        let cache = CacheConfig {
            pages_enabled,
            redis_url: env.redis_url("REDIS_URL")?,
            redis_prefix: env.key_prefix("REDIS_PREFIX", "famigo")?,
            l1_bytes: env.parsed::<u64>("PAGE_CACHE_MB", 64, "expected a whole number of megabytes")? * 1024 * 1024,
            ttl: std::time::Duration::from_secs(
                env.parsed::<u64>("PAGE_CACHE_TTL", 3600, "expected a whole number of seconds")?.max(1),
            ),
        };
        let store = StoreConfig {
            mongodb_url: env.mongodb_url("MONGODB_URL")?,
            mongodb_db: env.key_prefix("MONGODB_DB", "famigo")?,
        };
        if store.mongodb_db.len() > 63 || store.mongodb_db.contains(['.', ':']) {
            return Err(ConfigError {
                var: "MONGODB_DB",
                value: store.mongodb_db,
                reason: "use 1 to 63 letters, digits, _ - only".into(),
            });
        }
        let search = SearchConfig {
            meili_url: env.origin("MEILI_URL", true)?,
            meili_key: env.get("MEILI_KEY").map(|k| k.trim().to_string()),
            meili_index: env.key_prefix("MEILI_INDEX", "apps")?,
        };
        if search.meili_index.contains(['.', ':']) {
            return Err(ConfigError {
                var: "MEILI_INDEX",
                value: search.meili_index,
                reason: "use letters, digits, _ - only".into(),
            });
        }
        let mail = MailConfig {
            smtp_url: env.smtp_url("SMTP_URL")?,
            from: env.mailbox("MAIL_FROM", Some("Famigo <noreply@famigo.localhost>"))?.unwrap_or_default(),
            alert_email: env.mailbox("ALERT_EMAIL", None)?,
        };
        let admin_token = env.get("ADMIN_TOKEN").map(|t| t.trim().to_string());
        if admin_token.as_ref().is_some_and(|t| t.chars().count() < 16) {
            return Err(ConfigError {
                var: "ADMIN_TOKEN",
                value: "(hidden)".into(),
                reason: "too short to be a secret: use at least 16 characters".into(),
            });
        }
        let serve_runs_worker = env.switch("FAMIGO_WORKER", true)?;
        let worker_concurrency = env.parsed("WORKER_CONCURRENCY", 2usize, "expected a whole number from 1 to 64")?;
        if !(1..=64).contains(&worker_concurrency) {
            return Err(ConfigError {
                var: "WORKER_CONCURRENCY",
                value: worker_concurrency.to_string(),
                reason: "expected a whole number from 1 to 64".into(),
            });
        }
        let job_lease_seconds =
            env.parsed("JOB_LEASE_SECONDS", 30u64, "expected a whole number of seconds from 3 to 3600")?;
        if !(3..=3600).contains(&job_lease_seconds) {
            return Err(ConfigError {
                var: "JOB_LEASE_SECONDS",
                value: job_lease_seconds.to_string(),
                reason: "expected a whole number of seconds from 3 to 3600".into(),
            });
        }
        let job_lease = std::time::Duration::from_secs(job_lease_seconds);
        let half_the_cores = (std::thread::available_parallelism().map_or(1, |n| n.get()) / 2).max(1);
        let password_hashers =
            env.parsed("PASSWORD_HASHERS", half_the_cores, "expected a whole number from 1 to 64")?;
        if !(1..=64).contains(&password_hashers) {
            return Err(ConfigError {
                var: "PASSWORD_HASHERS",
                value: password_hashers.to_string(),
                reason: "expected a whole number from 1 to 64".into(),
            });
        }
        let schedules = env.schedules()?;
        let alert_webhook = env.origin("ALERT_WEBHOOK_URL", true)?;
        let watchdog_every = std::time::Duration::from_secs(
            env.parsed::<u64>("WATCHDOG_SECONDS", 10, "expected a whole number of seconds")?.clamp(1, 3600),
        );
        let watchdog_slow = std::time::Duration::from_millis(
            env.parsed::<u64>("WATCHDOG_SLOW_MS", 1000, "expected a whole number of milliseconds")?.max(1),
        );
        Ok(Config {
            addr,
            data_dir,
            log_filter,
            site,
            web,
            cache,
            store,
            search,
            mail,
            alert_webhook,
            watchdog_every,
            watchdog_slow,
            admin_token,
            serve_runs_worker,
            worker_concurrency,
            job_lease,
            password_hashers,
            schedules,
        })
    }

    /// Creates `DATA_DIR` if missing; failing to is a configuration error.
    pub fn ensure_data_dir(&self) -> Result<(), ConfigError> {
        std::fs::create_dir_all(&self.data_dir).map_err(|e| ConfigError {
            var: "DATA_DIR",
            value: self.data_dir.display().to_string(),
            reason: format!("cannot create it: {e}"),
        })
    }

    pub fn leptos_options(&self) -> leptos::prelude::LeptosOptions {
        leptos::prelude::LeptosOptions::builder()
            .hash_files(hashed_asset_names())
            .output_name(self.site.output_name.as_str())
            .site_root(self.site.site_root.as_str())
            .site_pkg_dir(self.site.pkg_dir.as_str())
            .site_addr(self.addr)
            .reload_port(self.site.reload_port)
            .build()
    }
}

/// cargo-leptos (with `hash-files`) writes the hashed asset names to `hash.txt` beside the
/// server binary; leptos reads it from there when `hash_files` is on.
fn hashed_asset_names() -> bool {
    std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt").is_file())).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_without_any_variable() {
        let config = Config::from_env(&Env::from_pairs([])).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.data_dir, PathBuf::from("./data"));
        assert_eq!(config.site.site_root, "target/site");
    }

    #[test]
    fn bad_address_names_the_variable() {
        let err = Config::from_env(&Env::from_pairs([("FAMIGO_ADDR", "not-an-addr")])).unwrap_err();
        assert_eq!(err.var, "FAMIGO_ADDR");
        assert!(err.to_string().starts_with("FAMIGO_ADDR=\"not-an-addr\" is invalid"), "{err}");
    }

    #[test]
    fn bad_log_filter_names_rust_log() {
        let err = Config::from_env(&Env::from_pairs([("RUST_LOG", "info,[=")])).unwrap_err();
        assert_eq!(err.var, "RUST_LOG");
    }

    #[test]
    fn data_dir_that_is_a_file_is_rejected() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let path = file.path().to_str().unwrap().to_string();
        let err = Config::from_env(&Env::from_pairs([("DATA_DIR", path.as_str())])).unwrap_err();
        assert_eq!(err.var, "DATA_DIR");
    }

    #[test]
    fn web_urls_are_checked_and_normalized() {
        let env = Env::from_pairs([
            ("ASSET_URL", "https://cdn.example.com/famigo/"),
            ("CANONICAL_URL", "https://famigo.example/"),
            ("LEGACY_HOSTS", "Famigo.COM, www.famigo.com"),
        ]);
        let web = Config::from_env(&env).unwrap().web;
        assert_eq!(web.asset_url.as_deref(), Some("https://cdn.example.com/famigo"));
        assert_eq!(web.canonical_url.as_deref(), Some("https://famigo.example"));
        assert_eq!(web.legacy_hosts, vec!["famigo.com", "www.famigo.com"]);

        for (var, value) in [
            ("ASSET_URL", "cdn.example.com"),
            ("ASSET_URL", "ftp://cdn.example.com"),
            ("CANONICAL_URL", "https://famigo.example/apps"),
            ("LEGACY_HOSTS", "old site.com"),
        ] {
            let mut pairs = vec![(var, value)];
            if var == "LEGACY_HOSTS" {
                pairs.push(("CANONICAL_URL", "https://famigo.example"));
            }
            assert_eq!(Config::from_env(&Env::from_pairs(pairs)).unwrap_err().var, var, "{value}");
        }
        let err = Config::from_env(&Env::from_pairs([("LEGACY_HOSTS", "famigo.com")])).unwrap_err();
        assert_eq!(err.var, "LEGACY_HOSTS", "legacy hosts need a canonical URL");
    }

    #[test]
    fn cache_settings_are_checked_and_redis_passwords_stay_hidden() {
        let config = Config::from_env(&Env::from_pairs([])).unwrap();
        assert_eq!(config.cache.redis_url, None);
        assert_eq!(config.cache.l1_bytes, 64 * 1024 * 1024);
        let env = Env::from_pairs([("REDIS_URL", "redis://:pw@127.0.0.1:6390/2"), ("PAGE_CACHE_MB", "0")]);
        let cache = Config::from_env(&env).unwrap().cache;
        assert_eq!(cache.redis_url.as_deref(), Some("redis://:pw@127.0.0.1:6390/2"));
        assert_eq!(cache.l1_bytes, 0);

        let err = Config::from_env(&Env::from_pairs([("REDIS_URL", "http://user:secret@host")])).unwrap_err();
        assert_eq!(Config::from_env(&Env::from_pairs([("MEILI_URL", "localhost:7700")])).unwrap_err().var, "MEILI_URL");
        assert_eq!(Config::from_env(&Env::from_pairs([("MEILI_INDEX", "a b")])).unwrap_err().var, "MEILI_INDEX");
        assert_eq!(Config::from_env(&Env::from_pairs([("MONGODB_DB", "a.b")])).unwrap_err().var, "MONGODB_DB");
        for url in [
            "localhost:27017",
            "mongodb://",
            "mongodb://famigo:s3cret-pw@h:27017/?connectTimeoutMS=soon",
            "mongodb://famigo:s3cret-pw@h:99999",
        ] {
            let err = Config::from_env(&Env::from_pairs([("MONGODB_URL", url)])).unwrap_err();
            assert_eq!(err.var, "MONGODB_URL", "{url}");
            assert!(!err.to_string().contains("s3cret-pw"), "{err}");
        }
        let ok =
            Config::from_env(&Env::from_pairs([("MONGODB_URL", "mongodb://127.0.0.1:27017/?w=majority")])).unwrap();
        assert_eq!(
            (ok.store.mongodb_url.as_deref(), ok.store.mongodb_db.as_str()),
            (Some("mongodb://127.0.0.1:27017/?w=majority"), "famigo")
        );
        assert_eq!(Config::from_env(&Env::from_pairs([("FAMIGO_NODE", "node one")])).unwrap_err().var, "FAMIGO_NODE");
        assert_eq!(Config::from_env(&Env::from_pairs([("FAMIGO_NODE", "node-a")])).unwrap().web.node_name, "node-a");
        assert!(!Config::from_env(&Env::from_pairs([])).unwrap().web.node_name.is_empty(), "defaults to the host name");
        let search = Config::from_env(&Env::from_pairs([("MEILI_URL", "http://127.0.0.1:7700/")])).unwrap().search;
        assert_eq!(search.meili_url.as_deref(), Some("http://127.0.0.1:7700"));
        assert_eq!(search.meili_index, "apps");
        assert_eq!(err.var, "REDIS_URL");
        assert!(!err.to_string().contains("secret"), "{err}");
        for (var, value) in [
            ("PAGE_CACHE_MB", "lots"),
            ("PAGE_CACHE_TTL", "-1"),
            ("REDIS_PREFIX", "a b"),
            ("ADMIN_TOKEN", "short"),
            ("FAMIGO_WORKER", "maybe"),
            ("WORKER_CONCURRENCY", "0"),
            ("PAGE_CACHE", "sometimes"),
            ("SCHEDULE_WARM_CACHE", "every five minutes"),
        ] {
            assert_eq!(Config::from_env(&Env::from_pairs([(var, value)])).unwrap_err().var, var);
        }
    }

    #[test]
    fn mail_settings_are_checked_and_smtp_passwords_stay_hidden() {
        let mail = Config::from_env(&Env::from_pairs([])).unwrap().mail;
        assert_eq!((mail.smtp_url, mail.alert_email), (None, None));
        assert_eq!(mail.from, "Famigo <noreply@famigo.localhost>");
        let env = Env::from_pairs([
            ("SMTP_URL", "smtp://famigo:s3cret@mail.example.org:587?tls=required"),
            ("MAIL_FROM", "Famigo <hello@famigo.example>"),
            ("ALERT_EMAIL", "ops@famigo.example"),
        ]);
        let mail = Config::from_env(&env).unwrap().mail;
        assert_eq!(mail.smtp_url.as_deref(), Some("smtp://famigo:s3cret@mail.example.org:587?tls=required"));
        assert_eq!(mail.alert_email.as_deref(), Some("ops@famigo.example"));
        for url in [
            "mail.example.org",
            "http://famigo:s3cret@mail.example.org",
            "smtp://famigo:s3cret@mail.example.org?tls=sometimes",
        ] {
            let err = Config::from_env(&Env::from_pairs([("SMTP_URL", url)])).unwrap_err();
            assert_eq!(err.var, "SMTP_URL", "{url}");
            assert!(!err.to_string().contains("s3cret"), "{err}");
        }
        for (var, value) in [
            ("MAIL_FROM", "Famigo"),
            ("ALERT_EMAIL", "ops at famigo"),
            ("JOB_LEASE_SECONDS", "1"),
            ("JOB_LEASE_SECONDS", "soon"),
        ] {
            assert_eq!(Config::from_env(&Env::from_pairs([(var, value)])).unwrap_err().var, var, "{value}");
        }
        assert_eq!(Config::from_env(&Env::from_pairs([("JOB_LEASE_SECONDS", "6")])).unwrap().job_lease.as_secs(), 6);
    }

    #[test]
    fn schedules_have_defaults_and_can_be_changed_or_turned_off() {
        use app::domain::JobKind;
        let kinds =
            |env: Env| Config::from_env(&env).unwrap().schedules.into_iter().map(|(k, _)| k).collect::<Vec<_>>();
        assert_eq!(kinds(Env::from_pairs([])), vec![JobKind::RefreshTrending, JobKind::WarmCache, JobKind::SendDigest]);
        let all_off =
            [("SCHEDULE_WARM_CACHE", "off"), ("SCHEDULE_REFRESH_TRENDING", "off"), ("SCHEDULE_SEND_DIGEST", "off")];
        assert_eq!(kinds(Env::from_pairs(all_off)), vec![]);
        assert_eq!(
            kinds(Env::from_pairs([
                ("SCHEDULE_NOOP", "*/2 * * * * *"),
                ("SCHEDULE_REFRESH_TRENDING", "off"),
                ("SCHEDULE_SEND_DIGEST", "off")
            ])),
            vec![JobKind::WarmCache, JobKind::Noop]
        );
    }

    #[test]
    fn famigo_addr_wins_over_the_cargo_leptos_address() {
        let env = Env::from_pairs([("LEPTOS_SITE_ADDR", "127.0.0.1:4000"), ("FAMIGO_ADDR", "127.0.0.1:5000")]);
        assert_eq!(Config::from_env(&env).unwrap().addr.port(), 5000);
        let env = Env::from_pairs([("LEPTOS_SITE_ADDR", "127.0.0.1:4000")]);
        assert_eq!(Config::from_env(&env).unwrap().addr.port(), 4000);
    }
}
