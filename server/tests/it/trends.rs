//! What is rising: the trends store (one suite on SQLite and Redis), app page views counted
//! over HTTP, `refresh_trending` ranking them per age band, and the home page's shelves.

use crate::common;

use app::domain::{AgeBand, JobKind, JobState, TrendingLists};
use app::ports::Trends;
use chrono::{Days, NaiveDate};
use common::redis::RedisServer;
use common::TestApp;
use famigo::redis::trends::RedisTrends;
use famigo::sqlite::trends::SqliteTrends;
use std::collections::HashMap;
use std::sync::Arc;
use tempfile::TempDir;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn views(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(s, n)| (s.to_string(), *n)).collect()
}

async fn trends_suite(trends: Arc<dyn Trends>) {
    assert_eq!(trends.trending().await.unwrap(), None, "nothing before the first refresh");
    trends.record_views(day(20), &views(&[("a", 2), ("b", 1)])).await.unwrap();
    trends.record_views(day(20), &views(&[("a", 3)])).await.unwrap();
    trends.record_views(day(22), &views(&[("a", 1), ("c", 7)])).await.unwrap();
    trends.record_views(day(25), &views(&[("c", 100)])).await.unwrap();
    let sums = trends.views_between(day(20), day(22)).await.unwrap();
    assert_eq!(sums, HashMap::from([("a".to_string(), 6), ("b".to_string(), 1), ("c".to_string(), 7)]));
    assert_eq!(trends.views_between(day(21), day(21)).await.unwrap(), HashMap::new());
    let lists = TrendingLists { computed_at: 1, by_age: vec![(AgeBand::Kid, vec!["c".into(), "a".into()])] };
    trends.save_trending(&lists).await.unwrap();
    assert_eq!(trends.trending().await.unwrap(), Some(lists));
}

#[tokio::test]
async fn sqlite_trends_add_up_views_and_keep_the_lists() {
    let dir = TempDir::new().unwrap();
    trends_suite(Arc::new(SqliteTrends::open(dir.path()).await.unwrap())).await;
}

#[tokio::test]
async fn redis_trends_add_up_views_and_keep_the_lists() {
    let Some(server) = RedisServer::start() else { return };
    trends_suite(Arc::new(RedisTrends::connect(&server.url(), "test").await.unwrap())).await;
}

#[tokio::test]
async fn redis_cluster_trends_add_up_views_and_keep_the_lists() {
    let Some(cluster) = RedisServer::start_cluster() else { return };
    trends_suite(Arc::new(RedisTrends::connect(&cluster.url(), "test").await.unwrap())).await;
}

async fn get_as_browser(app: &TestApp, uri: &str) -> u16 {
    app.get_with(uri, &[("user-agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120")]).await.status
}

#[tokio::test]
async fn page_views_make_apps_rise_per_age_band_on_the_home_page() {
    let app = TestApp::seeded(120).await;
    let all = app.catalog.scan(None, 200).await.unwrap();
    let of_band =
        |band: AgeBand| all.iter().filter(|a| a.age_band() == band).map(|a| a.slug.clone()).collect::<Vec<_>>();
    let (kids, toddlers) = (of_band(AgeBand::Kid), of_band(AgeBand::Toddler));
    let (hit, climber, steady, toddler_hit) = (&kids[0], &kids[1], &kids[2], &toddlers[0]);

    // Counted: browsers' GETs answered 200 (cached or not). Not: crawlers, no user agent, 404s.
    for _ in 0..6 {
        assert_eq!(get_as_browser(&app, &format!("/apps/{hit}")).await, 200);
    }
    for _ in 0..4 {
        get_as_browser(&app, &format!("/apps/{climber}")).await;
        get_as_browser(&app, &format!("/apps/{toddler_hit}")).await;
    }
    get_as_browser(&app, "/apps/no-such-app").await;
    app.get(&format!("/apps/{steady}")).await;
    app.get_with(&format!("/apps/{steady}"), &[("user-agent", "Googlebot/2.1")]).await;
    let counted: HashMap<String, u64> = app.views.take().into_iter().collect();
    assert_eq!(counted, HashMap::from([(hit.clone(), 6), (climber.clone(), 4), (toddler_hit.clone(), 4)]));

    // This week's views (today) against last week's (recorded 8 days ago).
    let today = chrono::Utc::now().date_naive();
    let trends = app.state.trends.clone();
    trends.record_views(today, &counted.into_iter().chain([(steady.clone(), 9)]).collect::<Vec<_>>()).await.unwrap();
    trends
        .record_views(today.checked_sub_days(Days::new(8)).unwrap(), &views(&[(climber, 1), (steady, 9), (hit, 0)]))
        .await
        .unwrap();

    let home = app.get("/").await;
    assert!(!home.body.contains("data-rising"), "no rising shelf before the first refresh");
    assert_eq!(app.get("/").await.headers["x-cache"], "hit");

    let job = app.state.jobs.enqueue(JobKind::RefreshTrending, "{}", 3).await.unwrap();
    app.run_jobs().await;
    let done = app.state.jobs.get(&job.id).await.unwrap().unwrap();
    assert_eq!(done.state, JobState::Done, "{:?}", done.last_error);
    let lists = trends.trending().await.unwrap().expect("saved");
    assert_eq!(
        lists.by_age,
        vec![(AgeBand::Toddler, vec![toddler_hit.clone()]), (AgeBand::Kid, vec![hit.clone(), climber.clone()])],
        "steady is not rising"
    );

    let home = app.get("/").await;
    assert_ne!(home.headers["x-cache"], "hit", "the refresh dropped the cached home page");
    let kid_shelf = home
        .body
        .split("data-rising=\"8-10\"")
        .nth(1)
        .expect("a rising shelf for 8–10")
        .split("</section>")
        .next()
        .unwrap();
    assert_eq!(
        common::Response { status: 200, headers: Default::default(), body: kid_shelf.to_string() }.card_slugs(),
        vec![hit.clone(), climber.clone()]
    );
    assert!(home.body.contains("Rising this week for ages 2–4"));
}
