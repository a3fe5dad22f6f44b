//! The embedded page cache: pages in a byte-bounded moka cache, validated against a table of
//! tag generations. The same `LocalPages` is the in-process layer (L1) of the Redis cache,
//! where the generations come from Redis instead of from this process's own writes.

use app::ports::{CacheError, CacheMark, CachedPage, PageCache};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Bytes an entry costs beyond its body and key (struct, headers, tags), for the weigher.
const ENTRY_OVERHEAD: usize = 512;

/// A page with the generation of each of its tags at the time it was stored.
#[derive(Debug)]
pub struct StoredPage {
    pub page: Arc<CachedPage>,
    /// Aligned with `page.tags`.
    pub generations: Vec<u64>,
    /// `Generations::settled` when the tags were last found current: while no write has
    /// settled since, a hit needs no look at its tags.
    checked_at: AtomicU64,
}

impl StoredPage {
    pub fn new(page: Arc<CachedPage>, generations: Vec<u64>) -> StoredPage {
        StoredPage { page, generations, checked_at: AtomicU64::new(u64::MAX) }
    }
}

/// The generation of every tag written so far; an absent tag is at generation 0.
#[derive(Default)]
pub struct Generations {
    tags: RwLock<HashMap<String, u64>>,
    /// Bumped before the tags on every invalidation (see `PageCache::mark`).
    writes: AtomicU64,
    /// Bumped after the tags: every write counted here is visible in the table.
    settled: AtomicU64,
}

impl Generations {
    pub fn of(&self, tags: &[String]) -> Vec<u64> {
        let table = self.tags.read().unwrap_or_else(|e| e.into_inner());
        tags.iter().map(|t| table.get(t).copied().unwrap_or(0)).collect()
    }

    /// True when no tag has moved past the generation the page was stored with.
    pub fn still_current(&self, stored: &StoredPage) -> bool {
        let settled = self.settled.load(Ordering::Acquire);
        if stored.checked_at.load(Ordering::Acquire) == settled {
            return true;
        }
        let table = self.tags.read().unwrap_or_else(|e| e.into_inner());
        let current = stored
            .page
            .tags
            .iter()
            .zip(&stored.generations)
            .all(|(tag, &generation)| table.get(tag).is_none_or(|&now| now <= generation));
        if current {
            stored.checked_at.store(settled, Ordering::Release);
        }
        current
    }

    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::Acquire)
    }

    /// This process wrote: every tag moves one generation on.
    pub fn bump(&self, tags: &[String]) {
        self.writes.fetch_add(1, Ordering::AcqRel);
        let mut table = self.tags.write().unwrap_or_else(|e| e.into_inner());
        for tag in tags {
            *table.entry(tag.clone()).or_insert(0) += 1;
        }
        self.settled.fetch_add(1, Ordering::AcqRel);
    }

    /// Another process wrote and announced the tags' new generations.
    pub fn observe(&self, generations: impl IntoIterator<Item = (String, u64)>) {
        self.writes.fetch_add(1, Ordering::AcqRel);
        let mut table = self.tags.write().unwrap_or_else(|e| e.into_inner());
        for (tag, generation) in generations {
            let known = table.entry(tag).or_insert(0);
            *known = (*known).max(generation);
        }
        self.settled.fetch_add(1, Ordering::AcqRel);
    }

    pub fn forget_all(&self) {
        self.writes.fetch_add(1, Ordering::AcqRel);
        self.tags.write().unwrap_or_else(|e| e.into_inner()).clear();
        self.settled.fetch_add(1, Ordering::AcqRel);
    }
}

/// Pages in process memory, bounded by their size in bytes.
pub struct LocalPages {
    pages: moka::sync::Cache<String, Arc<StoredPage>>,
    pub generations: Generations,
}

impl LocalPages {
    pub fn new(max_bytes: u64, ttl: Duration) -> LocalPages {
        let pages = moka::sync::Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &String, stored: &Arc<StoredPage>| {
                let bytes = key.len() + stored.page.body.len() + ENTRY_OVERHEAD;
                u32::try_from(bytes).unwrap_or(u32::MAX)
            })
            .time_to_live(ttl)
            .build();
        LocalPages { pages, generations: Generations::default() }
    }

    pub fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        let stored = self.pages.get(key)?;
        if self.generations.still_current(&stored) {
            Some(stored.page.clone())
        } else {
            self.pages.invalidate(key);
            None
        }
    }

    pub fn insert(&self, key: &str, stored: StoredPage) {
        if self.generations.still_current(&stored) {
            self.pages.insert(key.to_string(), Arc::new(stored));
        }
    }

    pub fn clear(&self) {
        self.pages.invalidate_all();
        self.generations.forget_all();
    }
}

/// The page cache of a single node with no Redis: correct because every write goes through
/// this process.
pub struct MemoryPageCache {
    local: LocalPages,
}

impl MemoryPageCache {
    pub fn new(max_bytes: u64, ttl: Duration) -> MemoryPageCache {
        MemoryPageCache { local: LocalPages::new(max_bytes, ttl) }
    }
}

#[async_trait]
impl PageCache for MemoryPageCache {
    fn backend(&self) -> &'static str {
        "memory"
    }

    async fn mark(&self) -> Result<CacheMark, CacheError> {
        Ok(CacheMark(self.local.generations.writes()))
    }

    async fn get(&self, key: &str) -> Result<Option<Arc<CachedPage>>, CacheError> {
        Ok(self.local.get(key))
    }

    async fn put(&self, key: &str, page: CachedPage, since: CacheMark) -> Result<bool, CacheError> {
        // Generations first, then the write counter: a write that slips in between shows up
        // in the counter, so the page is dropped rather than stored as current.
        let generations = self.local.generations.of(&page.tags);
        if self.local.generations.writes() != since.0 {
            return Ok(false);
        }
        self.local.insert(key, StoredPage::new(Arc::new(page), generations));
        Ok(true)
    }

    async fn invalidate(&self, tags: &[String]) -> Result<(), CacheError> {
        self.local.generations.bump(tags);
        Ok(())
    }

    async fn ping(&self) -> Result<(), CacheError> {
        Ok(())
    }
}
