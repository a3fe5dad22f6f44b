//! Search latency: 200 realistic queries (words of app names, some misspelt, some half-typed,
//! some with filters) at 16 concurrent searches over a generated catalog, against the embedded
//! Tantivy index and, when `MEILI_URL` is set, Meilisearch, in one run. Also the index build
//! time and the `/search` page through the whole site (page cache off).
//!   cargo bench -p server --bench search          (BENCH_APPS=100000, BENCH_ROUNDS=5)
//! `BENCH_INDEX_ONLY=1` leaves out the page run; `BENCH_SLOWEST=1` lists the slowest queries;
//! `BENCH_IN_FLIGHT=n` changes the 16 searches at once.

use app::domain::SearchQuery;
use app::ports::{Catalog, SearchIndex};
use famigo::search::meili::MeiliSearch;
use famigo::search::tantivy::TantivySearch;
use famigo::sqlite::catalog::SqliteCatalog;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// Searches in flight at once (`BENCH_IN_FLIGHT`, default 16).
fn in_flight() -> usize {
    std::env::var("BENCH_IN_FLIGHT").ok().and_then(|v| v.parse().ok()).unwrap_or(16)
}
const QUERIES: usize = 200;

/// Queries a parent might type: one to three words taken from real app names, a quarter with
/// a typo, a quarter cut mid-word (as-you-type), a third with filters.
fn queries(apps: &[app::domain::App]) -> Vec<String> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let filters =
        ["age=5-7", "platform=ios&no_ads=1", "price=free", "category=math", "age=2-4&sort=top", "min_learning=4"];
    (0..QUERIES)
        .map(|_| {
            let app = &apps[rng.random_range(0..apps.len())];
            let words: Vec<&str> = app.name.split_whitespace().collect();
            let take = rng.random_range(1..=words.len().min(3));
            let mut picked: Vec<String> = words[..take].iter().map(|w| w.to_lowercase()).collect();
            let roll: f64 = rng.random();
            let last = picked.len() - 1;
            if roll < 0.25 && picked[last].len() >= 5 {
                let mut chars: Vec<char> = picked[last].chars().collect();
                let i = rng.random_range(1..chars.len() - 1);
                chars.swap(i, i + 1);
                picked[last] = chars.into_iter().collect();
            } else if roll < 0.5 && picked[last].len() >= 4 {
                let keep = rng.random_range(2..picked[last].len());
                picked[last].truncate(keep);
            }
            let text: String = form_urlencoded::byte_serialize(picked.join(" ").as_bytes()).collect();
            if rng.random_bool(1.0 / 3.0) {
                format!("q={text}&{}", filters[rng.random_range(0..filters.len())])
            } else {
                format!("q={text}")
            }
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

/// Runs every query `rounds` times with `in_flight()` at once; returns the sorted latencies and the
/// wall time.
async fn drive<F, Fut>(queries: &[String], rounds: usize, run: F) -> (Vec<Duration>, Duration)
where
    F: Fn(String) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let work: Vec<String> = (0..rounds).flat_map(|_| queries.iter().cloned()).collect();
    let work = Arc::new(std::sync::Mutex::new(work.into_iter()));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..in_flight() {
        let (work, run) = (work.clone(), run.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            loop {
                let next = work.lock().expect("queue").next();
                let Some(qs) = next else { break };
                let t = Instant::now();
                run(qs).await;
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("task"));
    }
    let wall = started.elapsed();
    all.sort();
    (all, wall)
}

fn row(name: &str, times: &[Duration], wall: Duration) {
    println!(
        "| {name} | {:.2} ms | {:.2} ms | {:.2} ms | {:.0} |",
        percentile(times, 0.5),
        percentile(times, 0.99),
        times.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
        times.len() as f64 / wall.as_secs_f64()
    );
}

async fn index_latency(name: &str, index: Arc<dyn SearchIndex>, queries: &[String], rounds: usize) {
    let mut hits = 0u64;
    let mut alone = Vec::new();
    for qs in queries {
        let started = Instant::now();
        let found = index.search(&SearchQuery::from_query_str(qs).expect("query")).await.expect("search");
        alone.push((started.elapsed(), qs.clone(), found.total));
        hits += found.total.min(1);
    }
    let mut one_at_a_time: Vec<Duration> = alone.iter().map(|(d, _, _)| *d).collect();
    one_at_a_time.sort();
    println!(
        "| {name}, one at a time | {:.2} ms | {:.2} ms | {:.2} ms | {:.0} |",
        percentile(&one_at_a_time, 0.5),
        percentile(&one_at_a_time, 0.99),
        one_at_a_time.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
        one_at_a_time.len() as f64 / one_at_a_time.iter().sum::<Duration>().as_secs_f64()
    );
    if std::env::var("BENCH_SLOWEST").is_ok() {
        alone.sort_by_key(|b| std::cmp::Reverse(b.0));
        for (took, qs, total) in alone.iter().take(8) {
            eprintln!("{name}: {:.2} ms alone, {total} hits: ?{qs}", took.as_secs_f64() * 1e3);
        }
    }
    let (times, wall) = drive(queries, rounds, move |qs| {
        let index = index.clone();
        async move {
            index.search(&SearchQuery::from_query_str(&qs).expect("query")).await.expect("search");
        }
    })
    .await;
    row(&format!("{name} (`SearchIndex::search`, {hits}/{} queries find something)", queries.len()), &times, wall);
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let apps: usize = std::env::var("BENCH_APPS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let rounds: usize = std::env::var("BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let dir = tempfile::TempDir::new().expect("temp dir");
    let store = Arc::new(famigo::sqlite::Sqlite::open(dir.path()).await.expect("open").catalog());
    famigo::catalog::seed::seed(store.as_ref(), apps, 1).await.expect("seed");
    let sample = store.scan(None, 5_000).await.expect("scan");
    let queries = queries(&sample);

    let tantivy = Arc::new(TantivySearch::open(dir.path()).expect("tantivy"));
    let started = Instant::now();
    tantivy.rebuild(store.as_ref(), &|_, _| {}).await.expect("rebuild");
    let tantivy_build = started.elapsed();
    let meili = match std::env::var("MEILI_URL") {
        Ok(url) => {
            let uid = format!("famigo_bench_{}", std::process::id());
            let index =
                Arc::new(MeiliSearch::new(&url, std::env::var("MEILI_KEY").ok().as_deref(), &uid).expect("client"));
            let started = Instant::now();
            index.rebuild(store.as_ref(), &|_, _| {}).await.expect("meili rebuild");
            Some((index, uid, started.elapsed()))
        }
        Err(_) => None,
    };

    println!("search, {apps} apps, {QUERIES} queries × {rounds} rounds, {} in flight\n", in_flight());
    println!("| index | build |\n|---|---:|");
    println!("| tantivy | {:.1} s |", tantivy_build.as_secs_f64());
    match &meili {
        Some((_, _, built)) => println!("| meilisearch | {:.1} s |", built.as_secs_f64()),
        None => println!("| meilisearch | skipped: MEILI_URL not set |"),
    }
    println!("\n| what | p50 | p99 | max | searches/s |\n|---|---:|---:|---:|---:|");
    index_latency("tantivy", tantivy.clone(), &queries, rounds).await;
    if let Some((index, _, _)) = &meili {
        index_latency("meilisearch", index.clone(), &queries, rounds).await;
    }

    if std::env::var("BENCH_INDEX_ONLY").is_err() {
        search_pages(dir.path(), store.clone(), &queries, rounds).await;
    }
    if let Some((index, uid, _)) = meili {
        index.drop_index(&uid).await;
    }
}

/// The whole `/search` page on the embedded index, rendered for every request.
async fn search_pages(data_dir: &std::path::Path, store: Arc<SqliteCatalog>, queries: &[String], rounds: usize) {
    let data = data_dir.to_str().expect("utf-8").to_string();
    let env = famigo::config::Env::from_pairs([("DATA_DIR", data.as_str()), ("PAGE_CACHE", "off")]);
    let config = famigo::config::Config::from_env(&env).expect("config");
    let store = famigo::wiring::Store::open(&config).await.expect("open").with_catalog(store.clone());
    let backends = famigo::wiring::Backends::around(&config, store).await.expect("backends");
    let site = backends.into_site(&config).await.expect("site");
    let router = famigo::http::router(site, &config.web);
    let (times, wall) = drive(queries, rounds, move |qs| {
        let router = router.clone();
        async move {
            let request =
                axum::http::Request::get(format!("/search?{qs}")).body(axum::body::Body::empty()).expect("request");
            let response = router.oneshot(request).await.expect("response");
            assert_eq!(response.status(), 200, "/search?{qs}");
            axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
        }
    })
    .await;
    row("`/search` page on tantivy (render included, no page cache)", &times, wall);
}
