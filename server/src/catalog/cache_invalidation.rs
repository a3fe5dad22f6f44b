//! A `Catalog` in front of another that tells the page cache what each write changed.
//!
//! A write to an app always makes the pages showing it stale (`app:<slug>`). When it also
//! moves the app in or out of listings (a new or deleted app, or a change to a field a
//! filter, a count, a sort or the similar-apps choice reads) every listing is stale, and so is
//! every "similar apps" choice among its old and new categories.

use app::domain::{App, AppPage, CatalogQuery};
use app::ports::{cache_tags, Catalog, PageCache, StoreError};
use async_trait::async_trait;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

pub struct CacheInvalidatingCatalog {
    inner: Arc<dyn Catalog>,
    cache: Arc<dyn PageCache>,
}

impl CacheInvalidatingCatalog {
    pub fn new(inner: Arc<dyn Catalog>, cache: Arc<dyn PageCache>) -> CacheInvalidatingCatalog {
        CacheInvalidatingCatalog { inner, cache }
    }

    async fn invalidate(&self, tags: BTreeSet<String>) {
        let tags: Vec<String> = tags.into_iter().collect();
        // The write itself succeeded; a cache that cannot take the invalidation now keeps it
        // and retries, and bypasses itself meanwhile (see the adapters).
        if let Err(e) = self.cache.invalidate(&tags).await {
            tracing::warn!("{}", app::ports::Causes(&e));
        }
    }
}

/// The tags a change from `before` to `after` makes stale (None = absent).
pub fn stale_tags(before: Option<&App>, after: Option<&App>) -> BTreeSet<String> {
    let mut tags = BTreeSet::new();
    let Some(slug) = after.or(before).map(|a| a.slug.as_str()) else { return tags };
    tags.insert(cache_tags::app(slug));
    tags.insert(cache_tags::CATALOG.to_string());
    let moved = match (before, after) {
        (Some(b), Some(a)) => !b.same_listing_fields(a),
        _ => true,
    };
    if moved {
        tags.insert(cache_tags::LISTINGS.to_string());
        for app in before.into_iter().chain(after) {
            tags.extend(app.categories.iter().map(|&c| cache_tags::category(c)));
        }
    }
    tags
}

#[async_trait]
impl Catalog for CacheInvalidatingCatalog {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    async fn upsert_many(&self, apps: &[App]) -> Result<Vec<App>, StoreError> {
        let replaced = self.inner.upsert_many(apps).await?;
        let before: HashMap<&str, &App> = replaced.iter().map(|a| (a.slug.as_str(), a)).collect();
        let mut tags = BTreeSet::new();
        for app in apps {
            let mut after = app.clone();
            after.normalize();
            tags.extend(stale_tags(before.get(app.slug.as_str()).copied(), Some(&after)));
        }
        self.invalidate(tags).await;
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
        let before = self.inner.get(slug).await?;
        let deleted = self.inner.delete(slug).await?;
        if deleted {
            self.invalidate(stale_tags(before.as_ref(), None)).await;
        }
        Ok(deleted)
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
