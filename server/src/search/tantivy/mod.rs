//! The embedded search index: Tantivy under `DATA_DIR/search`.
//!
//! Each build is a directory `index-<ulid>`; the symlink `current` names the live one and is
//! replaced atomically (a new link renamed over it) when a rebuild finishes, so a search never
//! sees a half-built index. Another process sharing `DATA_DIR` follows the link on its next
//! search (it looks at most once a second) and sees commits through Tantivy's reload policy.
//!
//! Text matching is Tantivy's (words folded by the same analyzer at index and query time);
//! filters, facet counts and orders are read from fast fields by one collector, with the
//! domain's own `CatalogQuery` and `FacetCounts` rules, so they agree with browse exactly.

mod collector;
mod errors;
mod live;
mod query;
mod schema;

use app::domain::{App, SearchQuery};
use app::ports::{BackendError, Catalog, SearchError, SearchIndex, SearchMatches};
use async_trait::async_trait;
use collector::{page_of, stored_strings, MatchCollector};
use errors::backend;
use live::{point_current_at, remove_stray_builds, Live, CURRENT};
use query::text_query;
use schema::document;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tantivy::{IndexWriter, Term};

const WRITER_BUDGET: usize = 20_000_000;
const REBUILD_BUDGET: usize = 200_000_000;
const REBUILD_BATCH: usize = 2_000;
const LINK_CHECK: Duration = Duration::from_secs(1);

pub struct TantivySearch {
    root: PathBuf,
    live: RwLock<Arc<Live>>,
    link_checked: Mutex<Instant>,
    /// One writer at a time from this process (Tantivy's lock covers other processes).
    writing: tokio::sync::Mutex<()>,
}

impl TantivySearch {
    /// Opens the index under `data_dir/search`, creating an empty one if there is none (or if
    /// the one there cannot be read: a rebuild fills it again).
    pub fn open(data_dir: &Path) -> Result<TantivySearch, SearchError> {
        let root = data_dir.join("search");
        std::fs::create_dir_all(&root).map_err(backend)?;
        let live = match std::fs::read_link(root.join(CURRENT)) {
            Ok(target) => match Live::open(&root.join(&target)) {
                Ok(live) => live,
                Err(e) => {
                    tracing::warn!("search index {} unreadable ({e}); starting an empty one", target.display());
                    Self::fresh(&root)?
                }
            },
            Err(_) => Self::fresh(&root)?,
        };
        Ok(TantivySearch {
            root,
            live: RwLock::new(Arc::new(live)),
            link_checked: Mutex::new(Instant::now()),
            writing: tokio::sync::Mutex::new(()),
        })
    }

    fn fresh(root: &Path) -> Result<Live, SearchError> {
        let name = format!("index-{}", ulid::Ulid::new());
        let live = Live::create(&root.join(&name)).map_err(backend)?;
        point_current_at(root, &name)?;
        Ok(live)
    }

    /// The live index, first following the link if another process swapped it (the link is
    /// read, and a swapped-in index opened, on a blocking thread).
    async fn live(&self) -> Arc<Live> {
        let current = self.live.read().unwrap_or_else(|e| e.into_inner()).clone();
        let due = {
            let mut checked = self.link_checked.lock().unwrap_or_else(|e| e.into_inner());
            let due = checked.elapsed() >= LINK_CHECK;
            if due {
                *checked = Instant::now();
            }
            due
        };
        if !due {
            return current;
        }
        let (root, current_dir) = (self.root.clone(), current.dir.clone());
        let swapped = tokio::task::spawn_blocking(move || {
            let dir = root.join(std::fs::read_link(root.join(CURRENT)).ok()?);
            (dir != current_dir).then(|| (Live::open(&dir), dir))
        });
        match swapped.await {
            Ok(Some((Ok(live), _))) => {
                let live = Arc::new(live);
                *self.live.write().unwrap_or_else(|e| e.into_inner()) = live.clone();
                live
            }
            Ok(Some((Err(e), dir))) => {
                tracing::warn!("cannot open the swapped-in search index {}: {e}", dir.display());
                current
            }
            Ok(None) | Err(_) => current,
        }
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(Arc<Live>) -> Result<T, SearchError> + Send + 'static,
    ) -> Result<T, SearchError> {
        let live = self.live().await;
        tokio::task::spawn_blocking(move || work(live)).await.map_err(backend)?
    }
}

fn write_apps(live: &Live, apps: &[App], deletes: &[String]) -> Result<(), SearchError> {
    let mut writer = live.writer(WRITER_BUDGET)?;
    for slug in deletes.iter().map(String::as_str).chain(apps.iter().map(|a| a.slug.as_str())) {
        writer.delete_term(Term::from_field_text(live.fields.slug, slug));
    }
    for app in apps {
        writer.add_document(document(&live.fields, app)).map_err(backend)?;
    }
    writer.commit().map_err(backend)?;
    writer.wait_merging_threads().map_err(backend)?;
    live.reader.reload().map_err(backend)
}

#[async_trait]
impl SearchIndex for TantivySearch {
    fn backend(&self) -> &'static str {
        "tantivy"
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchMatches, SearchError> {
        let query = SearchQuery { filters: query.filters.clone().sanitized(), ..query.clone() };
        self.blocking(move |live| {
            let text = text_query(&live, &query.text, false)?;
            let collector = MatchCollector {
                filters: query.filters.clone(),
                sort: query.sort,
                fields: live.fields,
                schema: live.index.schema(),
            };
            let searcher = live.reader.searcher();
            let (hits, facets) = searcher.search(&*text, &collector).map_err(backend)?;
            let total = hits.len() as u64;
            let slugs = page_of(
                &searcher,
                &live.fields,
                query.sort,
                hits,
                query.filters.offset() as usize,
                query.filters.per_page as usize,
            )?;
            Ok(SearchMatches { slugs, total, facets })
        })
        .await
    }

    async fn suggest(&self, text: &str, limit: usize) -> Result<Vec<String>, SearchError> {
        let text = text.to_string();
        self.blocking(move |live| {
            let searcher = live.reader.searcher();
            let mut slugs: Vec<String> = Vec::new();
            for any_word in [false, true] {
                let query = text_query(&live, &text, any_word)?;
                let top = searcher
                    .search(&*query, &tantivy::collector::TopDocs::with_limit(limit).order_by_score())
                    .map_err(backend)?;
                for (_, address) in top {
                    let (_, slug) = stored_strings(&searcher, &live.fields, address)?;
                    if !slugs.contains(&slug) && slugs.len() < limit {
                        slugs.push(slug);
                    }
                }
                if slugs.len() >= limit {
                    break;
                }
            }
            Ok(slugs)
        })
        .await
    }

    async fn upsert(&self, apps: &[App]) -> Result<(), SearchError> {
        if apps.is_empty() {
            return Ok(());
        }
        let _writing = self.writing.lock().await;
        let apps = apps.to_vec();
        self.blocking(move |live| write_apps(&live, &apps, &[])).await
    }

    async fn delete(&self, slugs: &[String]) -> Result<(), SearchError> {
        if slugs.is_empty() {
            return Ok(());
        }
        let _writing = self.writing.lock().await;
        let slugs = slugs.to_vec();
        self.blocking(move |live| write_apps(&live, &[], &slugs)).await
    }

    async fn rebuild(
        &self,
        catalog: &dyn Catalog,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<u64, SearchError> {
        let _writing = self.writing.lock().await;
        let total = catalog.count().await.map_err(|e| SearchError::Backend(BackendError::other(e)))?;
        let name = format!("index-{}", ulid::Ulid::new());
        let dir = self.root.join(&name);
        let (fresh, writer) = {
            let dir = dir.clone();
            tokio::task::spawn_blocking(move || -> Result<(Live, IndexWriter), SearchError> {
                let fresh = Live::create(&dir).map_err(backend)?;
                let writer = fresh.writer(REBUILD_BUDGET)?;
                Ok((fresh, writer))
            })
            .await
            .map_err(backend)??
        };
        let writer = Arc::new(writer);
        let mut after: Option<String> = None;
        let mut done = 0u64;
        progress(0, total);
        loop {
            let batch = catalog
                .scan(after.as_deref(), REBUILD_BATCH)
                .await
                .map_err(|e| SearchError::Backend(BackendError::other(e)))?;
            let Some(last) = batch.last() else { break };
            after = Some(last.slug.clone());
            let count = batch.len();
            let (w, fields) = (writer.clone(), fresh.fields);
            tokio::task::spawn_blocking(move || {
                batch.iter().try_for_each(|app| w.add_document(document(&fields, app)).map(drop))
            })
            .await
            .map_err(backend)?
            .map_err(backend)?;
            done += count as u64;
            progress(done, total.max(done));
            if count < REBUILD_BATCH {
                break;
            }
        }
        let mut writer = Arc::try_unwrap(writer).map_err(|_| backend("the rebuild writer is still shared"))?;
        let root = self.root.clone();
        let live = tokio::task::spawn_blocking(move || -> Result<Live, SearchError> {
            writer.commit().map_err(backend)?;
            writer.wait_merging_threads().map_err(backend)?;
            fresh.reader.reload().map_err(backend)?;
            point_current_at(&root, &name)?;
            Ok(fresh)
        })
        .await
        .map_err(backend)??;
        let old = std::mem::replace(&mut *self.live.write().unwrap_or_else(|e| e.into_inner()), Arc::new(live));
        // Searches still holding the old index keep their open files; the directory goes.
        let root = self.root.clone();
        let removed = tokio::task::spawn_blocking(move || {
            if let Err(e) = std::fs::remove_dir_all(&old.dir) {
                tracing::warn!("cannot remove the old search index {}: {e}", old.dir.display());
            }
            remove_stray_builds(&root, &dir);
        });
        if let Err(e) = removed.await {
            tracing::warn!("cannot remove old search indexes: {}", app::ports::Causes(&e));
        }
        Ok(done)
    }

    async fn count(&self) -> Result<u64, SearchError> {
        Ok(self.live().await.reader.searcher().num_docs())
    }

    async fn ping(&self) -> Result<(), SearchError> {
        self.blocking(|live| {
            if live.dir.is_dir() {
                Ok(())
            } else {
                Err(SearchError::Unavailable(BackendError::unavailable(format!("{} is gone", live.dir.display()))))
            }
        })
        .await
    }
}
