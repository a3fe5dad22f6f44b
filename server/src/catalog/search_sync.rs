//! A `Catalog` in front of another that has the search index follow every write: each write
//! enqueues an `index_app` job naming the apps it touched (the job reads them back from the
//! catalog when it runs, so it indexes whatever is current then).

use app::domain::{App, AppPage, CatalogQuery, JobKind};
use app::ports::{Catalog, JobQueue, StoreError};
use async_trait::async_trait;
use std::sync::Arc;

/// An index update that fails three times has a real problem; `famigo reindex` repairs it.
const INDEX_ATTEMPTS: u32 = 3;

pub struct SearchSyncedCatalog {
    inner: Arc<dyn Catalog>,
    queue: Arc<dyn JobQueue>,
}

impl SearchSyncedCatalog {
    pub fn new(inner: Arc<dyn Catalog>, queue: Arc<dyn JobQueue>) -> SearchSyncedCatalog {
        SearchSyncedCatalog { inner, queue }
    }

    async fn index_later(&self, slugs: Vec<String>) {
        let args = serde_json::json!({ "slugs": slugs }).to_string();
        // The write itself succeeded: a queue that refuses leaves the index behind until the
        // next reindex, which the warning says.
        if let Err(e) = self.queue.enqueue(JobKind::IndexApp, &args, INDEX_ATTEMPTS).await {
            tracing::warn!(apps = slugs.len(), "search index not updated for a write ({e}); run `famigo reindex`");
        }
    }
}

#[async_trait]
impl Catalog for SearchSyncedCatalog {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    async fn upsert_many(&self, apps: &[App]) -> Result<Vec<App>, StoreError> {
        let replaced = self.inner.upsert_many(apps).await?;
        if !apps.is_empty() {
            self.index_later(apps.iter().map(|a| a.slug.clone()).collect()).await;
        }
        Ok(replaced)
    }

    async fn get(&self, slug: &str) -> Result<Option<App>, StoreError> {
        self.inner.get(slug).await
    }

    async fn fact_history(&self, slug: &str) -> Result<Vec<app::domain::FactChange>, StoreError> {
        self.inner.fact_history(slug).await
    }

    async fn get_many(&self, slugs: &[String]) -> Result<Vec<App>, StoreError> {
        self.inner.get_many(slugs).await
    }

    async fn delete(&self, slug: &str) -> Result<bool, StoreError> {
        let removed = self.inner.delete(slug).await?;
        if removed {
            self.index_later(vec![slug.to_string()]).await;
        }
        Ok(removed)
    }

    async fn list(&self, query: &CatalogQuery) -> Result<AppPage, StoreError> {
        self.inner.list(query).await
    }

    async fn search_text(&self, words: &[String], query: &CatalogQuery) -> Result<AppPage, StoreError> {
        self.inner.search_text(words, query).await
    }

    async fn similar(&self, app: &App, limit: usize) -> Result<Vec<App>, StoreError> {
        self.inner.similar(app, limit).await
    }

    async fn safer_alternatives(&self, app: &App, limit: usize) -> Result<Vec<App>, StoreError> {
        self.inner.safer_alternatives(app, limit).await
    }

    async fn count(&self) -> Result<u64, StoreError> {
        self.inner.count().await
    }

    async fn scan(&self, after: Option<&str>, limit: usize) -> Result<Vec<App>, StoreError> {
        self.inner.scan(after, limit).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }
}
