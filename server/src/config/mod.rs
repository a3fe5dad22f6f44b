//! Typed configuration from the environment (and `.env`), one file per subsystem. Every bad
//! value is reported as one line naming the variable; `main` exits with status 2.

mod cache;
mod env;
mod jobs;
mod mail;
mod search;
mod store;
mod web;

pub use cache::CacheConfig;
pub use env::{ConfigError, Env};
pub use jobs::{schedule_var, DEFAULT_SCHEDULES};
pub use mail::MailConfig;
pub use search::SearchConfig;
pub use store::StoreConfig;
pub use web::{SiteConfig, WebConfig};

use std::net::SocketAddr;
use std::path::PathBuf;

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
    /// `FAMIGO_PROFILE`: `development` (the default) or `production`, which requires
    /// `ADMIN_TOKEN`, `SECRET_KEY` and `CANONICAL_URL` instead of making up or guessing them.
    pub production: bool,
    /// The secret that signs a browser in as administrator (`ADMIN_TOKEN`, at least 16
    /// characters). Unset (development only): made up once and kept in `DATA_DIR/admin-token`.
    pub admin_token: Option<String>,
    /// The key that signs links mailed out (`SECRET_KEY`, at least 32 characters). Unset
    /// (development only): made up once and kept in `DATA_DIR/secret-key`.
    pub secret_key: Option<String>,
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
        let site = SiteConfig::from_env(env)?;
        let web = WebConfig::from_env(env, &data_dir)?;
        let cache = CacheConfig::from_env(env)?;
        let store = StoreConfig::from_env(env)?;
        let search = SearchConfig::from_env(env)?;
        let mail = MailConfig::from_env(env)?;
        let production = match env.get("FAMIGO_PROFILE").map(str::trim) {
            None | Some("development") => false,
            Some("production") => true,
            Some(other) => {
                return Err(ConfigError {
                    var: "FAMIGO_PROFILE",
                    value: other.into(),
                    reason: "expected `development` or `production`".into(),
                })
            }
        };
        let admin_token = secret(env, "ADMIN_TOKEN", 16, production)?;
        let secret_key = secret(env, "SECRET_KEY", 32, production)?;
        if production && web.canonical_url.is_none() {
            return Err(ConfigError {
                var: "CANONICAL_URL",
                value: String::new(),
                reason: "required with FAMIGO_PROFILE=production: links in pages, feeds and mail must not come from a request's Host".into(),
            });
        }
        let serve_runs_worker = env.switch("FAMIGO_WORKER", true)?;
        let worker_concurrency =
            env.ranged("WORKER_CONCURRENCY", 2usize, 1..=64, "expected a whole number from 1 to 64")?;
        let job_lease = std::time::Duration::from_secs(env.ranged(
            "JOB_LEASE_SECONDS",
            30u64,
            3..=3600,
            "expected a whole number of seconds from 3 to 3600",
        )?);
        let half_the_cores = (std::thread::available_parallelism().map_or(1, |n| n.get()) / 2).max(1);
        let password_hashers =
            env.ranged("PASSWORD_HASHERS", half_the_cores, 1..=64, "expected a whole number from 1 to 64")?;
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
            production,
            admin_token,
            secret_key,
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

/// The secret in `var`, trimmed, if it is set and strong enough; unset is an error in
/// production (where nothing may be made up per machine).
fn secret(env: &Env, var: &'static str, min_chars: usize, production: bool) -> Result<Option<String>, ConfigError> {
    let value = env.get(var).map(|t| t.trim().to_string());
    let refused = |reason: &str| ConfigError { var, value: "(hidden)".into(), reason: reason.into() };
    match value {
        None if production => Err(refused("required with FAMIGO_PROFILE=production")),
        Some(value) => match weak_secret(&value, min_chars) {
            Some(reason) => Err(refused(&reason)),
            None => Ok(Some(value)),
        },
        None => Ok(None),
    }
}

/// Why `token` cannot be a secret, if it cannot: too short, a placeholder (the kind a sample
/// file or a tutorial ships, which anyone may have read), or too uniform.
fn weak_secret(token: &str, min_chars: usize) -> Option<String> {
    const PLACEHOLDERS: &[&str] =
        &["change-me", "changeme", "example", "default", "password", "placeholder", "replace-me", "your-"];
    let lower = token.to_ascii_lowercase();
    let distinct: std::collections::HashSet<char> = token.chars().collect();
    if token.chars().count() < min_chars {
        Some(format!("too short to be a secret: use at least {min_chars} characters"))
    } else if PLACEHOLDERS.iter().any(|p| lower.replace(['_', ' '], "-").contains(p)) {
        Some("a placeholder, not a secret: generate one (e.g. `openssl rand -hex 24`)".into())
    } else if distinct.len() < 8 {
        Some("too uniform to be a secret: use at least 8 different characters".into())
    } else {
        None
    }
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
        let own = Config::from_env(&Env::from_pairs([
            ("REDIS_URL", "redis://127.0.0.1:6390/0"),
            ("PAGE_CACHE_REDIS_URL", "redis://127.0.0.1:6391/0"),
        ]))
        .unwrap();
        assert_eq!(own.cache.page_cache_redis_url.as_deref(), Some("redis://127.0.0.1:6391/0"));
        let alone = Config::from_env(&Env::from_pairs([("PAGE_CACHE_REDIS_URL", "redis://127.0.0.1:6391/0")]));
        assert_eq!(alone.unwrap_err().var, "PAGE_CACHE_REDIS_URL", "a cache Redis without the shared one");
        let cluster =
            Config::from_env(&Env::from_pairs([("REDIS_URL", "redis+cluster://:pw@h1:6379,h2:6379")])).unwrap();
        assert_eq!(cluster.cache.redis_url.as_deref(), Some("redis+cluster://:pw@h1:6379,h2:6379"));
        let sentinel = "redis+sentinel://:pw@s1:26379,s2:26379,s3:26379/famigo";
        let sentinel_config = Config::from_env(&Env::from_pairs([("REDIS_URL", sentinel)])).unwrap();
        assert_eq!(sentinel_config.cache.redis_url.as_deref(), Some(sentinel));
        for url in [
            "redis-cluster://h1:6379,h2:6379",
            "redis+cluster://h1:6379/2",
            "redis-sentinel://h1:26379/m",
            "redis+sentinel://h1:26379",
            "redis://h:port",
        ] {
            let err = Config::from_env(&Env::from_pairs([("REDIS_URL", url)])).unwrap_err();
            assert_eq!(err.var, "REDIS_URL", "{url} is refused at start (neither client would run on it)");
        }
        for (var, value) in [
            ("PAGE_CACHE_MB", "lots"),
            ("PAGE_CACHE_TTL", "-1"),
            ("REDIS_PREFIX", "a b"),
            ("ADMIN_TOKEN", "short"),
            ("ADMIN_TOKEN", "change-me-admin-token"),
            ("ADMIN_TOKEN", "CHANGE_ME_PLEASE_1234"),
            ("ADMIN_TOKEN", "my-example-token-0000"),
            ("ADMIN_TOKEN", "aaaaaaaaaaaaaaaaaaaaaaaa"),
            ("ADMIN_TOKEN", "0101010101010101"),
            ("SECRET_KEY", "k2Jd8s0pQ1v7Xz3m"),
            ("SECRET_KEY", "example-secret-key-for-the-readme-0123"),
            ("FAMIGO_PROFILE", "prod"),
            ("TRUSTED_PROXIES", "10.0.0.0/8, the load balancer"),
            ("TRUSTED_PROXIES", "10.0.0.0/33"),
            ("FAMIGO_WORKER", "maybe"),
            ("WORKER_CONCURRENCY", "0"),
            ("PAGE_CACHE", "sometimes"),
            ("SCHEDULE_WARM_CACHE", "every five minutes"),
        ] {
            assert_eq!(Config::from_env(&Env::from_pairs([(var, value)])).unwrap_err().var, var);
        }
    }

    #[test]
    fn trusted_proxies_are_addresses_and_networks() {
        let web = Config::from_env(&Env::from_pairs([("TRUSTED_PROXIES", "10.1.0.0/16, 192.0.2.10,2001:db8::/48")]))
            .unwrap()
            .web;
        let nets: Vec<String> = web.trusted_proxies.unwrap().iter().map(ToString::to_string).collect();
        assert_eq!(nets, ["10.1.0.0/16", "192.0.2.10/32", "2001:db8::/48"]);
        assert!(Config::from_env(&Env::from_pairs([])).unwrap().web.trusted_proxies.is_none());
    }

    #[test]
    fn production_makes_up_no_secret_and_guesses_no_origin() {
        let development = Config::from_env(&Env::from_pairs([])).unwrap();
        assert!(!development.production && development.admin_token.is_none() && development.secret_key.is_none());
        let complete = [
            ("FAMIGO_PROFILE", "production"),
            ("ADMIN_TOKEN", "q8Vn2kLm5Rt7Wx1Zc4Hb"),
            ("SECRET_KEY", "Jf3kd9QpL2mZx8Vb7Nc1Rt5Wy6Hs4Ga0Ue"),
            ("CANONICAL_URL", "https://famigo.example"),
        ];
        let production = Config::from_env(&Env::from_pairs(complete)).unwrap();
        assert!(production.production);
        assert_eq!(production.secret_key.as_deref(), Some(complete[2].1));
        for missing in ["ADMIN_TOKEN", "SECRET_KEY", "CANONICAL_URL"] {
            let env = Env::from_pairs(complete.iter().copied().filter(|(var, _)| *var != missing));
            let err = Config::from_env(&env).unwrap_err();
            assert_eq!(err.var, missing);
            assert!(err.reason.contains("production"), "{err}");
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
