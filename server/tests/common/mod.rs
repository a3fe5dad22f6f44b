//! Helpers shared by the integration tests.
#![allow(dead_code)]

use app::domain::{App, SortOrder};
use famigo::adapters::browse_index::IndexedCatalog;
use famigo::adapters::sqlite::SqliteCatalog;
use app::ports::Catalog;
use std::cmp::Ordering;
use std::sync::Arc;
use tempfile::TempDir;

/// A catalog under test plus whatever must live as long as it (its temp dir).
pub struct TestCatalog {
    pub catalog: Arc<dyn Catalog>,
    _dir: TempDir,
}

pub async fn sqlite() -> TestCatalog {
    let dir = TempDir::new().expect("temp dir");
    let catalog = SqliteCatalog::open(dir.path()).await.expect("open sqlite");
    TestCatalog { catalog: Arc::new(catalog), _dir: dir }
}

/// The browse index in front of SQLite, as `famigo serve` runs it.
pub async fn indexed_sqlite() -> TestCatalog {
    let dir = TempDir::new().expect("temp dir");
    let store = SqliteCatalog::open(dir.path()).await.expect("open sqlite");
    let catalog = IndexedCatalog::build(Arc::new(store)).await.expect("build index");
    TestCatalog { catalog: Arc::new(catalog), _dir: dir }
}

/// The reference order of the `Catalog` contract, written independently of any adapter.
pub fn reference_order(sort: SortOrder, a: &App, b: &App) -> Ordering {
    let slug = a.slug.cmp(&b.slug);
    match sort {
        SortOrder::TopRated => b
            .rating_avg
            .total_cmp(&a.rating_avg)
            .then(b.rating_count.cmp(&a.rating_count))
            .then(slug),
        SortOrder::Newest => b.released.cmp(&a.released).then(slug),
        SortOrder::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(slug),
        SortOrder::Learning => b
            .learning_rating
            .cmp(&a.learning_rating)
            .then(b.rating_avg.total_cmp(&a.rating_avg))
            .then(slug),
    }
}
