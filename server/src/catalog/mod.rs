//! The catalog's write path: what stands between a server function (or a job) and the store.
//!
//! `stack` builds it, outermost first; a write goes down through every layer to the store, a
//! read goes down until a layer can answer it (the browse index answers listings).
//!
//! ```text
//! SearchSyncedCatalog       a write queues `index_app`, so the search index follows
//!  └ CacheInvalidatingCatalog  a write bumps the page-cache tags it made stale
//!     └ BrowseIndex            listings from bitsets in memory; a write goes to the change feed
//!        └ the store           SQLite or MongoDB: the truth
//! ```
//!
//! Reviews change what an app page shows too: `review_effects` wraps the `Reviews` port the same
//! way (a review write drops the app's cached pages and queues `recompute_ratings`).
//!
//! Beside it: `seed` (generated demo catalogs) and `transfer` (JSON Lines import and export).

pub mod browse_index;
pub mod cache_invalidation;
pub mod change_feed;
pub mod review_effects;
pub mod search_sync;
pub mod seed;
mod seed_facts;
pub mod transfer;

use app::ports::{Catalog, JobQueue, PageCache};
use browse_index::BrowseIndex;
use cache_invalidation::CacheInvalidatingCatalog;
use search_sync::SearchSyncedCatalog;
use std::sync::Arc;

/// The catalog every server function and job uses: `index` (over the store) with the page cache
/// and the search index kept in step with each write.
pub fn stack(index: BrowseIndex, page_cache: Arc<dyn PageCache>, jobs: Arc<dyn JobQueue>) -> Arc<dyn Catalog> {
    // Listings answered from memory; writes reach the store and the other nodes' indexes.
    let catalog: Arc<dyn Catalog> = Arc::new(index);
    // The pages a write made stale are dropped before the write returns.
    let catalog = Arc::new(CacheInvalidatingCatalog::new(catalog, page_cache));
    // The search index catches up through the job queue.
    Arc::new(SearchSyncedCatalog::new(catalog, jobs))
}
