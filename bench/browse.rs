//! Browse listing cost: the SQL store's own `list` against the in-memory browse index in front
//! of it, on the same seeded catalog, in one run. Prints a table of mean times and the ratio.
//!   cargo bench -p server --bench browse            (BENCH_APPS=100000 by default)

use app::domain::CatalogQuery;
use app::ports::Catalog;
use famigo::adapters::browse_index::IndexedCatalog;
use famigo::adapters::sqlite::SqliteCatalog;
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn mean_time(catalog: &dyn Catalog, query: &CatalogQuery, budget: Duration) -> (Duration, u32) {
    let started = Instant::now();
    let mut runs = 0;
    while runs < 3 || (started.elapsed() < budget && runs < 10_000) {
        catalog.list(query).await.expect("list");
        runs += 1;
    }
    (started.elapsed() / runs, runs)
}

#[tokio::main]
async fn main() {
    let apps: usize = std::env::var("BENCH_APPS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::TempDir::new().expect("temp dir");
    let store = Arc::new(SqliteCatalog::open(dir.path()).await.expect("open"));
    let started = Instant::now();
    famigo::seed::seed(store.as_ref(), apps, 1).await.expect("seed");
    let seeded = started.elapsed();
    let started = Instant::now();
    let indexed = IndexedCatalog::build(store.clone()).await.expect("index");
    let built = started.elapsed();

    println!("browse listing, {apps} apps (seeded in {:.1} s, index built in {} ms)\n", seeded.as_secs_f64(), built.as_millis());
    println!("| query | SQLite list | browse index | ratio |");
    println!("|---|---:|---:|---:|");
    for qs in ["", "age=5-7&platform=ios", "category=math&price=free&no_ads=1&sort=new&page=3", "age=14-18&no_data=1&min_learning=4&sort=name&page=20"] {
        let query = CatalogQuery::from_query_str(qs).expect("query");
        let (sql, _) = mean_time(store.as_ref(), &query, Duration::from_secs(2)).await;
        let (mem, _) = mean_time(&indexed, &query, Duration::from_secs(1)).await;
        println!(
            "| `?{qs}` | {:.2} ms | {:.3} ms | {:.0}× |",
            sql.as_secs_f64() * 1e3,
            mem.as_secs_f64() * 1e3,
            sql.as_secs_f64() / mem.as_secs_f64()
        );
    }
}
