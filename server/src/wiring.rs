//! Startup wiring, in one place: each technology the configuration names is opened once here
//! and every port handed out. `Store::open` is the store (`MONGODB_URL` or SQLite),
//! `Backends::open` adds what lives in Redis (`REDIS_URL`) or beside the store, and search;
//! `Backends::into_site` stacks the catalog and builds the `AppState` the pages and jobs run on.

use crate::catalog::browse_index::BrowseIndex;
use crate::catalog::change_feed::ChangeFeed;
use crate::catalog::review_effects::RatingSyncedReviews;
use crate::config::Config;
use crate::http::sessions::SessionBackend;
use crate::http::Site;
use crate::jobs::JobServices;
use crate::memory::page_cache::MemoryPageCache;
use crate::memory::throttle::MemoryThrottle;
use crate::mongo::Mongo;
use crate::ops::alerts::AlertSinks;
use crate::redis::change_feed::RedisChangeFeed;
use crate::redis::outbox::RedisOutbox;
use crate::redis::page_cache::RedisPageCache;
use crate::redis::queue::RedisJobQueue;
use crate::redis::throttle::RedisThrottle;
use crate::redis::trends::RedisTrends;
use crate::search::meili::MeiliSearch;
use crate::search::ready_gate::ReadyGate;
use crate::search::tantivy::TantivySearch;
use crate::sqlite::outbox::SqliteOutbox;
use crate::sqlite::queue::SqliteJobQueue;
use crate::sqlite::trends::SqliteTrends;
use crate::sqlite::Sqlite;
use crate::storage::{Database, Migrated};
use anyhow::Context;
use app::ports::{
    Accounts, AdminToken, AppState, Catalog, JobQueue, MediaStore, Outbox, PageCache, Reviews, SearchIndex, SecretKey,
    StoreError, Throttle, Trends,
};
use std::sync::Arc;
use std::time::Instant;

/// The store: the catalog and, beside it in the same database, parents' accounts and reviews.
pub struct Store {
    pub catalog: Arc<dyn Catalog>,
    pub accounts: Arc<dyn Accounts>,
    pub reviews: Arc<dyn Reviews>,
    /// Uploaded images, in the same database: every node serves the same ones.
    pub media: Arc<dyn MediaStore>,
    /// Where the data is, for messages: never a password.
    pub description: String,
    database: Arc<dyn Database>,
}

impl Store {
    /// MongoDB when `MONGODB_URL` is set, else SQLite under `DATA_DIR`; opening applies the
    /// pending migrations.
    pub async fn open(config: &Config) -> Result<Store, StoreError> {
        Ok(match &config.store.mongodb_url {
            Some(url) => {
                let mongo = Mongo::open(url, &config.store.mongodb_db).await?;
                Store {
                    catalog: Arc::new(mongo.catalog()),
                    accounts: Arc::new(mongo.accounts()),
                    reviews: Arc::new(mongo.reviews()),
                    media: Arc::new(mongo.media()),
                    description: format!("mongodb at {}/{}", mongo.host(), config.store.mongodb_db),
                    database: Arc::new(mongo),
                }
            }
            None => {
                let sqlite = Sqlite::open(&config.data_dir).await?;
                Store {
                    catalog: Arc::new(sqlite.catalog()),
                    accounts: Arc::new(sqlite.accounts()),
                    reviews: Arc::new(sqlite.reviews()),
                    media: Arc::new(sqlite.media()),
                    description: format!("sqlite at {}", config.data_dir.join("catalog.db").display()),
                    database: Arc::new(sqlite),
                }
            }
        })
    }

    /// The same store with the catalog kept elsewhere (tests run the site on one store with
    /// parents' data in another).
    pub fn with_catalog(self, catalog: Arc<dyn Catalog>) -> Store {
        Store { catalog, ..self }
    }

    pub async fn migrate(&self) -> Result<Migrated, StoreError> {
        self.database.migrate().await
    }

    pub async fn close(&self) {
        self.database.close().await;
    }
}

/// Every port a serving node or a worker needs, each technology opened once.
pub struct Backends {
    pub store: Store,
    pub page_cache: Arc<dyn PageCache>,
    pub sessions: SessionBackend,
    /// With Redis, other processes write the store too: the browse index follows this feed.
    pub change_feed: Option<Arc<dyn ChangeFeed>>,
    pub jobs: Arc<dyn JobQueue>,
    pub outbox: Arc<dyn Outbox>,
    pub trends: Arc<dyn Trends>,
    pub throttle: Arc<dyn Throttle>,
    pub search: Arc<dyn SearchIndex>,
}

/// The ports that live in Redis with `REDIS_URL`, else under `DATA_DIR` or in this process.
struct Shared {
    page_cache: Arc<dyn PageCache>,
    sessions: SessionBackend,
    change_feed: Option<Arc<dyn ChangeFeed>>,
    jobs: Arc<dyn JobQueue>,
    outbox: Arc<dyn Outbox>,
    trends: Arc<dyn Trends>,
    throttle: Arc<dyn Throttle>,
}

impl Shared {
    async fn open(config: &Config) -> anyhow::Result<Shared> {
        let cache = &config.cache;
        let Some(url) = &cache.redis_url else {
            let dir = &config.data_dir;
            return Ok(Shared {
                page_cache: Arc::new(MemoryPageCache::new(cache.l1_bytes, cache.ttl)),
                sessions: SessionBackend::sqlite(dir).await.context("cannot open the session store")?,
                change_feed: None,
                jobs: Arc::new(SqliteJobQueue::open(dir).await.context("cannot open the job queue")?),
                outbox: Arc::new(SqliteOutbox::open(dir).await.context("cannot open the mail outbox")?),
                trends: Arc::new(SqliteTrends::open(dir).await.context("cannot open the trends store")?),
                throttle: Arc::new(MemoryThrottle::new()),
            });
        };
        let prefix = &cache.redis_prefix;
        let at = || format!("cannot set up redis at {}", crate::redis::redis_host(url));
        // One connection for every adapter (the page cache adds its subscriber's), unless the
        // pages have a Redis of their own.
        let redis = crate::redis::SharedRedis::open(url).with_context(at)?;
        let connection = redis.connection.clone();
        let pages_redis = match &cache.page_cache_redis_url {
            Some(pages_url) if pages_url != url => {
                let at = || format!("cannot set up the page cache's redis at {}", crate::redis::redis_host(pages_url));
                crate::redis::SharedRedis::open(pages_url).with_context(at)?
            }
            _ => redis.clone(),
        };
        let page_cache = RedisPageCache::on(pages_redis, prefix, cache.l1_bytes, cache.ttl).await;
        let feed = RedisChangeFeed::on(redis, prefix).await;
        Ok(Shared {
            page_cache: Arc::new(page_cache),
            sessions: SessionBackend::on_redis(connection.clone(), prefix),
            change_feed: Some(Arc::new(feed)),
            jobs: Arc::new(RedisJobQueue::on(connection.clone(), prefix)),
            outbox: Arc::new(RedisOutbox::on(connection.clone(), prefix)),
            trends: Arc::new(RedisTrends::on(connection.clone(), prefix)),
            throttle: Arc::new(RedisThrottle::on(connection, prefix)),
        })
    }
}

impl Backends {
    /// The store, then everything around it.
    pub async fn open(config: &Config) -> anyhow::Result<Backends> {
        let store = Store::open(config).await.context("cannot open the catalog")?;
        tracing::info!(store = %store.description, "catalog open");
        Backends::around(config, store).await
    }

    /// Everything but the store, around `store`.
    pub async fn around(config: &Config, store: Store) -> anyhow::Result<Backends> {
        let shared = Shared::open(config).await?;
        tracing::info!(page_cache = shared.page_cache.backend(), sessions = shared.sessions.name(), "caches ready");
        Ok(Backends {
            store,
            page_cache: shared.page_cache,
            sessions: shared.sessions,
            change_feed: shared.change_feed,
            jobs: shared.jobs,
            outbox: shared.outbox,
            trends: shared.trends,
            throttle: shared.throttle,
            search: Backends::open_search(config).await?,
        })
    }

    /// The outbox alone (`famigo outbox`, the monitor's alert mail): in Redis with
    /// `REDIS_URL`, else `DATA_DIR/outbox.db`.
    pub async fn open_outbox(config: &Config) -> anyhow::Result<Arc<dyn Outbox>> {
        let what = "cannot open the mail outbox";
        Ok(match &config.cache.redis_url {
            Some(url) => Arc::new(RedisOutbox::connect(url, &config.cache.redis_prefix).await.context(what)?),
            None => Arc::new(SqliteOutbox::open(&config.data_dir).await.context(what)?),
        })
    }

    /// Meilisearch when `MEILI_URL` is set, else the Tantivy index under `DATA_DIR/search`.
    pub async fn open_search(config: &Config) -> anyhow::Result<Arc<dyn SearchIndex>> {
        let search = &config.search;
        Ok(match &search.meili_url {
            Some(url) => {
                let meili = MeiliSearch::new(url, search.meili_key.as_deref(), &search.meili_index)
                    .context("cannot open the search index")?;
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
                    .context("the search index's opening panicked")?
                    .context("cannot open the search index")?;
                Arc::new(tantivy)
            }
        })
    }

    /// The site over these ports: the browse index built (following the change feed when
    /// other processes share the store), the catalog's write stack over it, and `AppState`.
    pub async fn into_site(self, config: &Config) -> anyhow::Result<Site> {
        app::api::password::set_concurrency(config.password_hashers);
        let started = Instant::now();
        let store = self.store.catalog.clone();
        let index = match self.change_feed {
            Some(feed) => BrowseIndex::build_following(store, feed).await,
            None => BrowseIndex::build(store).await,
        }
        .context("cannot open the catalog")?;
        tracing::info!(apps = index.indexed_count(), ms = started.elapsed().as_millis() as u64, "browse index built");
        let admin_token = match config.admin_token.clone() {
            Some(token) => token,
            None => {
                let (token, path) = kept_secret(&config.data_dir, "admin-token")?;
                // The path, never the token: what a process prints may be kept (container logs).
                println!("ADMIN_TOKEN is not set; the admin token (sign in at /admin) is in {}", path.display());
                token
            }
        };
        let secret_key = match config.secret_key.clone() {
            Some(key) => key,
            None => kept_secret(&config.data_dir, "secret-key")?.0,
        };
        let (page_cache, jobs) = (self.page_cache, self.jobs);
        let catalog = crate::catalog::stack(index, page_cache.clone(), jobs.clone());
        let search = Arc::new(ReadyGate::new(self.search, catalog.clone()));
        let reviews = Arc::new(RatingSyncedReviews::new(self.store.reviews.clone(), page_cache.clone(), jobs.clone()));
        let state = AppState {
            leptos_options: config.leptos_options(),
            catalog,
            asset_url: config.web.asset_url.clone(),
            canonical_url: config.web.canonical_url.clone(),
            page_cache,
            page_cache_stats: Arc::default(),
            admin_token: Arc::new(AdminToken::new(admin_token)),
            secret_key: Arc::new(SecretKey::new(&secret_key)),
            jobs,
            search,
            outbox: self.outbox,
            trends: self.trends,
            accounts: self.store.accounts.clone(),
            reviews,
            throttle: self.throttle,
            media: self.store.media.clone(),
        };
        Ok(Site {
            state,
            sessions: self.sessions,
            page_cache_enabled: config.cache.pages_enabled,
            lifecycle: Arc::default(),
            views: Default::default(),
        })
    }
}

/// Every port a job may use, opened as `config` says, with jobs reading and writing `catalog`
/// itself (tests and benchmarks drive a worker over a store of their own).
pub async fn job_services_over(config: &Config, catalog: Arc<dyn Catalog>) -> anyhow::Result<JobServices> {
    let store = Store::open(config).await.context("cannot open the catalog")?;
    let site = Backends::around(config, store).await?.into_site(config).await?;
    let router = crate::http::router(site.clone(), &config.web);
    Ok(JobServices { catalog, ..JobServices::of(&site.state, router, config.web.upload_dir.clone()) })
}

/// The webhook and, with `ALERT_EMAIL`, the outbox.
pub fn alert_sinks(config: &Config, outbox: &Arc<dyn Outbox>) -> AlertSinks {
    AlertSinks::new(config.alert_webhook.clone(), config.mail.alert_email.clone().map(|to| (outbox.clone(), to)))
}

/// The development stand-in for a secret the configuration does not set: made up once and kept
/// in `DATA_DIR/<name>`, readable by this user alone, so every process on this `DATA_DIR` (a
/// node and its worker, a restart) uses the same one. The first process to start writes it.
pub fn kept_secret(data_dir: &std::path::Path, name: &str) -> anyhow::Result<(String, std::path::PathBuf)> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = data_dir.join(name);
    let made = generated_token();
    match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path) {
        Ok(mut file) => {
            file.write_all(made.as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok((made, path))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            // Another process may be writing it this moment: its token is whole within a few ms.
            for _ in 0..50 {
                let kept = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
                if kept.trim().len() >= made.len() {
                    return Ok((kept.trim().to_string(), path));
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            anyhow::bail!("{} holds no secret: delete it to have a new one made", path.display())
        }
        Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
    }
}

/// A random token of 32 letters and digits (an admin token, a generated password).
pub fn generated_token() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 32)
}
