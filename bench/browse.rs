//! Browse listing cost: the stores' own `list` (SQLite; MongoDB too when `MONGODB_URL` is set)
//! against the in-memory browse index in front of SQLite, on the same seeded catalog, in one
//! run. Prints a table of mean times and the ratios.
//!   cargo bench -p server --bench browse            (BENCH_APPS=100000 by default)
//!   MONGODB_URL=mongodb://127.0.0.1:27017 cargo bench -p server --bench browse
//! (MongoDB gets a database of its own, `famigo_bench`, emptied first.)

use app::domain::CatalogQuery;
use app::ports::Catalog;
use famigo::catalog::browse_index::BrowseIndex;
use famigo::mongo::catalog::MongoCatalog;
use famigo::mongo::Mongo;
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
    let store = Arc::new(famigo::sqlite::Sqlite::open(dir.path()).await.expect("open").catalog());
    let started = Instant::now();
    famigo::catalog::seed::seed(store.as_ref(), apps, 1).await.expect("seed");
    let seeded = started.elapsed();
    let started = Instant::now();
    let indexed = BrowseIndex::build(store.clone()).await.expect("index");
    let built = started.elapsed();
    let mongo = match std::env::var("MONGODB_URL") {
        Ok(url) if !url.trim().is_empty() => Some(seeded_mongo(&url, apps).await),
        _ => None,
    };

    println!(
        "browse listing, {apps} apps (seeded in {:.1} s, index built in {} ms)\n",
        seeded.as_secs_f64(),
        built.as_millis()
    );
    match &mongo {
        Some(_) => {
            println!("| query | SQLite list | MongoDB list | browse index | SQLite / index | MongoDB / index |");
            println!("|---|---:|---:|---:|---:|---:|");
        }
        None => {
            println!("| query | SQLite list | browse index | SQLite / index |");
            println!("|---|---:|---:|---:|");
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    for qs in [
        "",
        "age=5-7&platform=ios",
        "category=math&price=free&no_ads=1&sort=new&page=3",
        "age=14-18&no_data=1&min_learning=4&sort=name&page=20",
    ] {
        let query = CatalogQuery::from_query_str(qs).expect("query");
        let (sql, _) = mean_time(store.as_ref(), &query, Duration::from_secs(2)).await;
        let (mem, _) = mean_time(&indexed, &query, Duration::from_secs(1)).await;
        let ratio = |d: Duration| d.as_secs_f64() / mem.as_secs_f64();
        match &mongo {
            Some(mongo) => match mongo.list(&query).await {
                Ok(_) => {
                    let (m, _) = mean_time(mongo, &query, Duration::from_secs(2)).await;
                    println!(
                        "| `?{qs}` | {:.2} ms | {:.2} ms | {:.3} ms | {:.0}× | {:.0}× |",
                        ms(sql),
                        ms(m),
                        ms(mem),
                        ratio(sql),
                        ratio(m)
                    );
                }
                Err(e) => {
                    println!("| `?{qs}` | {:.2} ms | {e} | {:.3} ms | {:.0}× | — |", ms(sql), ms(mem), ratio(sql))
                }
            },
            None => println!("| `?{qs}` | {:.2} ms | {:.3} ms | {:.0}× |", ms(sql), ms(mem), ratio(sql)),
        }
    }
    app_page_choices(store.as_ref(), &indexed).await;
}

/// What an app page adds to a listing's work: its similar apps and its safer alternatives,
/// each on 200 apps spread over the catalog, from SQLite (through listings) and from the index.
async fn app_page_choices(store: &dyn Catalog, indexed: &BrowseIndex) {
    let count = store.count().await.expect("count") as usize;
    let mut sample = Vec::new();
    let mut after: Option<String> = None;
    while sample.len() < 200 {
        let batch = store.scan(after.as_deref(), (count / 200).max(1)).await.expect("scan");
        let Some(last) = batch.last() else { break };
        after = Some(last.slug.clone());
        sample.push(last.clone());
    }
    println!("\napp page choices, mean over {} apps\n", sample.len());
    println!("| choice | SQLite | browse index | SQLite / index | answers per app |");
    println!("|---|---:|---:|---:|---:|");
    for choice in [Choice::Similar, Choice::SaferAlternatives] {
        let (sql, found) = time_choice(store, &sample, choice).await;
        let (mem, _) = time_choice(indexed, &sample, choice).await;
        println!(
            "| {} | {:.2} ms | {:.3} ms | {:.0}× | {found:.1} |",
            choice.name(),
            sql.as_secs_f64() * 1e3,
            mem.as_secs_f64() * 1e3,
            sql.as_secs_f64() / mem.as_secs_f64()
        );
    }
}

#[derive(Clone, Copy)]
enum Choice {
    Similar,
    SaferAlternatives,
}

impl Choice {
    fn name(self) -> &'static str {
        match self {
            Choice::Similar => "similar apps",
            Choice::SaferAlternatives => "safer alternatives",
        }
    }
}

/// Mean time per app, and the mean number of apps chosen.
async fn time_choice(catalog: &dyn Catalog, sample: &[app::domain::App], choice: Choice) -> (Duration, f64) {
    let started = Instant::now();
    let mut found = 0;
    for app in sample {
        found += match choice {
            Choice::Similar => catalog.similar(app, 6).await,
            Choice::SaferAlternatives => catalog.safer_alternatives(app, 6).await,
        }
        .expect("choice")
        .len();
    }
    (started.elapsed() / sample.len() as u32, found as f64 / sample.len() as f64)
}

/// The same catalog in MongoDB, in a database of its own emptied first.
async fn seeded_mongo(url: &str, apps: usize) -> MongoCatalog {
    let mongo = Mongo::open(url, "famigo_bench").await.expect("open MongoDB");
    mongo.database().drop().await.expect("empty famigo_bench");
    let mongo = Mongo::open(url, "famigo_bench").await.expect("reopen MongoDB");
    let catalog = mongo.catalog();
    let started = Instant::now();
    famigo::catalog::seed::seed(&catalog, apps, 1).await.expect("seed MongoDB");
    println!("MongoDB at {} seeded in {:.1} s", mongo.host(), started.elapsed().as_secs_f64());
    catalog
}
