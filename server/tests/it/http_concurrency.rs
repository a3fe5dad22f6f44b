//! Concurrent renders on a multi-threaded runtime, as `famigo serve` runs them. In its own test
//! binary: Leptos's executor is process-global, and sharing the process with the other HTTP
//! tests' single-threaded runtimes is not how the server runs.

use crate::common;

use app::domain::CatalogQuery;
use common::TestApp;
use std::time::Duration;

/// Many concurrent renders of every page kind; each must answer its status, none may panic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_all_answer() {
    // Nothing stored, so every request that is not coalesced with another renders.
    let app = std::sync::Arc::new(TestApp::with_env(200, &[("PAGE_CACHE_MB", "0")]).await);
    let slug = app.catalog.list(&CatalogQuery::default()).await.unwrap().apps[0].slug.clone();
    let uris = [
        "/".to_string(),
        "/apps?age=5-7&platform=ios".to_string(),
        format!("/apps/{slug}"),
        "/apps?sort=new&page=2".to_string(),
    ];
    let mut tasks = Vec::new();
    for i in 0..200 {
        let app = app.clone();
        let uri = uris[i % uris.len()].clone();
        tasks.push(tokio::spawn(async move { (uri.clone(), app.get(&uri).await.status) }));
    }
    let all = async {
        for task in tasks {
            let (uri, status) = task.await.expect("request task panicked");
            assert_eq!(status, 200, "{uri}");
        }
    };
    tokio::time::timeout(Duration::from_secs(60), all)
        .await
        .expect("200 concurrent requests did not finish within 60 s");
}

/// Fifty requests for one page nobody has asked for yet: one render, fifty identical answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_misses_render_once() {
    let app = std::sync::Arc::new(TestApp::seeded(200).await);
    let uri = "/apps?platform=android&sort=name";
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { app.get(uri).await })
        })
        .collect();
    let mut bodies = std::collections::HashSet::new();
    for task in tasks {
        let response = task.await.expect("request task panicked");
        assert_eq!(response.status, 200);
        bodies.insert(response.body);
    }
    assert_eq!(bodies.len(), 1, "every request got the same page");
    let stats = &app.stats;
    assert_eq!(stats.renders.load(std::sync::atomic::Ordering::Relaxed), 1, "{stats:?}");
}
