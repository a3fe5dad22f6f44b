//! The page cache seen over HTTP: what is cached, what a write makes stale, and what happens
//! when Redis comes and goes.

use crate::common;

use app::domain::{App, CatalogQuery};
use common::redis::RedisServer;
use common::{Response, TestApp};
use std::time::{Duration, Instant};

fn x_cache(response: &Response) -> &str {
    response.headers.get("x-cache").and_then(|v| v.to_str().ok()).unwrap_or("(none)")
}

/// Fetches each page until it is cached, so the next request must hit.
async fn warm(app: &TestApp, uris: &[&str]) {
    for uri in uris {
        let first = app.get(uri).await;
        assert_eq!(first.status, 200, "{uri}");
        assert_eq!(x_cache(&app.get(uri).await), "hit", "{uri} is cached after one render");
    }
}

#[tokio::test]
async fn pages_miss_then_hit_and_revalidate_by_etag() {
    let app = TestApp::seeded(60).await;
    let first = app.get("/apps?age=5-7").await;
    assert_eq!((first.status, x_cache(&first)), (200, "miss"));
    let second = app.get("/apps?age=5-7").await;
    assert_eq!((second.status, x_cache(&second)), (200, "hit"));
    assert_eq!(second.body, first.body);
    assert!(second.headers.get("x-cache-tags").is_none(), "tags stay inside the server");
    assert_eq!(second.headers["cache-control"], "public, no-cache");

    // Same page, parameters in another order, an empty field and a tracker: same entry.
    let same = app.get("/apps?q=&utm_source=newsletter&age=5-7").await;
    assert_eq!(x_cache(&same), "hit");

    let etag = second.headers["etag"].to_str().unwrap().to_string();
    let revalidated = app.get_with("/apps?age=5-7", &[("if-none-match", &etag)]).await;
    assert_eq!(revalidated.status, 304);
    assert!(revalidated.body.is_empty());
    let changed = app.get_with("/apps?age=5-7", &[("if-none-match", "\"something-else\"")]).await;
    assert_eq!(changed.status, 200);

    // Each content encoding is its own entry, served compressed.
    let br = app.get_with("/apps?age=5-7", &[("accept-encoding", "gzip, br")]).await;
    assert_eq!((x_cache(&br), br.headers["content-encoding"].to_str().unwrap()), ("miss", "br"));
    let br = app.get_with("/apps?age=5-7", &[("accept-encoding", "br")]).await;
    assert_eq!((x_cache(&br), br.headers["content-encoding"].to_str().unwrap()), ("hit", "br"));
}

#[tokio::test]
async fn personal_requests_errors_and_server_functions_are_not_cached() {
    let app = TestApp::seeded(30).await;
    warm(&app, &["/"]).await;
    let signed_in = app.get_with("/", &[("cookie", "famigo_session=abc")]).await;
    assert_eq!((signed_in.status, x_cache(&signed_in)), (200, "bypass"));
    assert!(signed_in.headers["cache-control"].to_str().unwrap().starts_with("private"));

    for _ in 0..2 {
        let missing = app.get("/apps/no-such-app").await;
        assert_eq!((missing.status, x_cache(&missing)), (404, "miss"), "a 404 is never stored");
    }
    let bad = app.get("/apps?age=99").await;
    assert_eq!(bad.status, 400);
    assert_eq!(x_cache(&app.get("/apps?age=99").await), "miss");

    use leptos::server_fn::ServerFn;
    let api = app.post_json(app::api::catalog::GetHome::PATH, "{}").await;
    assert_eq!(api.status, 200);
    assert!(api.headers.get("x-cache").is_none() && api.headers.get("x-cache-tags").is_none());
}

/// Two apps with no category in common, so neither appears on the other's page.
async fn unrelated_pair(app: &TestApp) -> (App, App) {
    let all = app.catalog.scan(None, 1000).await.unwrap();
    for a in &all {
        let similar_to_a = app.catalog.similar(a, 6).await.unwrap();
        for b in &all {
            if a.categories.iter().all(|c| !b.categories.contains(c)) && !similar_to_a.iter().any(|s| s.slug == b.slug)
            {
                return (a.clone(), b.clone());
            }
        }
    }
    panic!("no two apps without a shared category in the seed");
}

#[tokio::test]
async fn an_app_page_goes_stale_when_its_safer_alternatives_change() {
    let app = TestApp::seeded(200).await;
    let mut target = None;
    for candidate in app.catalog.scan(None, 200).await.unwrap() {
        let alternatives = app.catalog.safer_alternatives(&candidate, 6).await.unwrap();
        if !alternatives.is_empty() {
            target = Some((candidate, alternatives));
            break;
        }
    }
    let (target, alternatives) = target.expect("an app with alternatives");
    let page = format!("/apps/{}", target.slug);
    warm(&app, &[&page]).await;

    // The best alternative starts open chat: it is no longer safer, and the page says so.
    let mut worse = alternatives[0].clone();
    worse.facts.interaction.chat = app::domain::Chat::Open;
    worse.facts.money.purchases = true;
    worse.facts.money.loot_boxes = true;
    worse.facts.privacy.data.insert(app::domain::DataType::Identifiers, app::domain::DataUse::Tracking);
    app.catalog.upsert_many(&[worse.clone()]).await.unwrap();
    let fresh = app.get(&page).await;
    assert_eq!(x_cache(&fresh), "miss");
    let now = app.catalog.safer_alternatives(&target, 6).await.unwrap();
    assert!(!now.iter().any(|a| a.slug == worse.slug), "{} is no longer an alternative", worse.slug);
    let cards = fresh.card_slugs();
    assert_eq!(&cards[..now.len()], now.iter().map(|a| a.slug.clone()).collect::<Vec<_>>().as_slice());
    warm(&app, &[&page]).await;

    // A new app that beats it on every risk, in its category and band, joins the list at once.
    let mut better = target.clone();
    better.slug = format!("{}-safe-edition", target.slug);
    better.name = format!("{} Safe Edition", target.name);
    better.learning_rating = 5;
    better.facts.learning.subjects = app::domain::Subject::ALL.to_vec();
    (better.rating_avg, better.rating_count) = (5.0, 10_000);
    better.price_cents = 0;
    better.facts.money = Default::default();
    better.facts.privacy.data.clear();
    better.facts.interaction.chat = app::domain::Chat::None;
    app.catalog.upsert_many(&[better.clone()]).await.unwrap();
    let fresh = app.get(&page).await;
    assert_eq!(x_cache(&fresh), "miss");
    assert!(fresh.card_slugs().contains(&better.slug), "the new safer app is offered");
}

#[tokio::test]
async fn a_write_makes_exactly_the_pages_showing_the_app_stale() {
    let app = TestApp::seeded(120).await;
    let (a, b) = unrelated_pair(&app).await;
    let page_a = format!("/apps/{}", a.slug);
    let page_b = format!("/apps/{}", b.slug);
    let b_category = format!("/apps?category={}", b.categories[0].slug());
    let listing_with_a = CatalogQuery { category: Some(a.categories[0]), ..Default::default() };
    let listing_with_a = format!("/apps?{}", listing_with_a.to_query_string());
    warm(&app, &["/", &page_a, &page_b, &b_category, &listing_with_a]).await;
    let a_listed = app.get(&listing_with_a).await.card_slugs().contains(&a.slug);

    // A change only its own page and cards show: the pages showing it, nothing else.
    let mut edited = a.clone();
    edited.description = "Now with a dinosaur counting mode.".into();
    app.catalog.upsert_many(&[edited.clone()]).await.unwrap();
    let fresh = app.get(&page_a).await;
    assert_eq!(x_cache(&fresh), "miss");
    assert!(fresh.body.contains("dinosaur counting mode"), "the new description is served");
    assert_eq!(x_cache(&app.get(&page_b).await), "hit", "an unrelated app page stays cached");
    assert_eq!(x_cache(&app.get(&b_category).await), "hit", "a listing without the app stays cached");
    let expected = if a_listed { "miss" } else { "hit" };
    assert_eq!(x_cache(&app.get(&listing_with_a).await), expected, "a listing showing the app (shown: {a_listed})");

    // A change that moves it in listings: every listing, but still not B's page.
    warm(&app, &["/", &page_a, &b_category]).await;
    let mut moved = edited;
    moved.rating_avg = if moved.rating_avg > 2.5 { 1.0 } else { 4.9 };
    app.catalog.upsert_many(&[moved]).await.unwrap();
    for uri in ["/", &page_a, &b_category] {
        assert_eq!(x_cache(&app.get(uri).await), "miss", "{uri} after the app moved");
    }
    assert_eq!(x_cache(&app.get(&page_b).await), "hit", "{page_b} shares no category with the app");

    // A deleted app: its page is a 404 at once.
    assert!(app.catalog.delete(&a.slug).await.unwrap());
    assert_eq!(app.get(&page_a).await.status, 404);
}

#[tokio::test]
async fn with_redis_a_write_on_one_node_is_seen_by_the_other() {
    let Some(redis) = RedisServer::start() else { return };
    a_write_on_one_node_is_seen_by_the_other(&redis).await;
}

/// Nodes on a 3-primary Redis Cluster: pages, invalidations and sessions through it.
#[tokio::test]
async fn with_a_redis_cluster_a_write_on_one_node_is_seen_by_the_other_and_sessions_are_shared() {
    let Some(cluster) = RedisServer::start_cluster() else { return };
    let url = cluster.url();
    a_write_on_one_node_is_seen_by_the_other(&cluster).await;
    let app = TestApp::with_env(5, &[("REDIS_URL", url.as_str()), ("REDIS_PREFIX", "cluster-sessions")]).await;
    let cookie = app.signed_in_parent("cluster@example.com", "Cluster Parent").await;
    let account = app.get_with("/account", &[("cookie", cookie.as_str())]).await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains("Cluster Parent"), "the session is read back from the cluster");
}

async fn a_write_on_one_node_is_seen_by_the_other(redis: &RedisServer) {
    let env = [("REDIS_URL", redis.url()), ("REDIS_PREFIX", "nodes".to_string())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let node_a = TestApp::with_env(60, &env).await;
    let node_b = TestApp::with_env(60, &env).await;
    let slug = node_a.catalog.scan(None, 1).await.unwrap()[0].slug.clone();
    let page = format!("/apps/{slug}");

    assert_eq!(x_cache(&node_a.get(&page).await), "miss");
    assert_eq!(x_cache(&node_b.get(&page).await), "hit", "B gets the page A rendered, through Redis");
    assert_eq!(x_cache(&node_b.get(&page).await), "hit");

    let mut app = node_a.catalog.get(&slug).await.unwrap().unwrap();
    app.description = "Edited on node A.".into();
    node_a.catalog.upsert_many(&[app]).await.unwrap();
    let written = Instant::now();
    while x_cache(&node_b.get(&page).await) == "hit" {
        assert!(written.elapsed() < Duration::from_secs(2), "node B still serves the old page");
    }
}

#[tokio::test]
async fn redis_going_away_costs_the_cache_not_the_pages() {
    let Some(mut redis) = RedisServer::start() else { return };
    let app = TestApp::with_env(40, &[("REDIS_URL", &redis.url())]).await;
    warm(&app, &["/"]).await;

    redis.stop();
    let stopped = Instant::now();
    loop {
        let page = app.get("/").await;
        assert_eq!(page.status, 200, "pages are served while Redis is down");
        if x_cache(&page) == "bypass" {
            break;
        }
        assert!(stopped.elapsed() < Duration::from_secs(3), "still '{}' 3 s after Redis stopped", x_cache(&page));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, 200, "a node without its cache still serves: {}", ready.body);
    let ready: serde_json::Value = serde_json::from_str(&ready.body).unwrap();
    assert_eq!(ready["dependencies"]["page_cache"]["up"], false, "{ready}");
    assert_eq!(ready["dependencies"]["page_cache"]["backend"], "redis");
    let timed = Instant::now();
    assert_eq!(app.get("/apps").await.status, 200);
    assert!(timed.elapsed() < Duration::from_secs(1), "no waiting on a dead Redis: {:?}", timed.elapsed());

    assert!(redis.restart());
    let back = Instant::now();
    loop {
        let page = app.get("/").await;
        assert_eq!(page.status, 200);
        if x_cache(&page) == "hit" {
            break;
        }
        assert!(back.elapsed() < Duration::from_secs(10), "the cache never came back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// After a write, `warm_cache` renders the landing pages again so visitors hit the cache.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warm_cache_job_fills_the_cache_after_a_write() {
    use app::domain::{JobKind, JobState};
    use app::ports::JobQueue;
    let app = TestApp::seeded(80).await;
    let dir = tempfile::TempDir::new().unwrap();
    let queue: std::sync::Arc<dyn JobQueue> =
        std::sync::Arc::new(famigo::sqlite::queue::SqliteJobQueue::open(dir.path()).await.unwrap());
    let services = famigo::jobs::JobServices::of(&app.state, app.router.clone(), app.data_dir().join("uploads"));
    let config = famigo::jobs::WorkerConfig { poll: Duration::from_millis(10), ..Default::default() };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(famigo::jobs::Worker::new(queue.clone(), services, config).run(stopped));

    let mut first = app.catalog.scan(None, 1).await.unwrap().remove(0);
    first.rating_count += 1000; // moves it in every listing
    app.catalog.upsert_many(&[first]).await.unwrap();
    let job = queue.enqueue(JobKind::WarmCache, "{}", 3).await.unwrap();
    let started = Instant::now();
    let done = loop {
        let job = queue.get(&job.id).await.unwrap().unwrap();
        if job.state == JobState::Done {
            break job;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{job:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    stop.send(true).unwrap();
    worker.await.unwrap();
    let report: serde_json::Value = serde_json::from_str(done.result.as_deref().unwrap()).unwrap();
    assert_eq!(report["failed"], 0, "{report}");
    assert!(report["rendered"].as_u64().unwrap() > 0, "{report}");
    for uri in ["/", "/apps", "/apps?age=5-7"] {
        assert_eq!(x_cache(&app.get_with(uri, &[("accept-encoding", "gzip, deflate, br")]).await), "hit", "{uri}");
    }
}
