//! Concurrent renders on a multi-threaded runtime, as `famigo serve` runs them. In its own test
//! binary: Leptos's executor is process-global, and sharing the process with the other HTTP
//! tests' single-threaded runtimes is not how the server runs.

mod common;

use app::domain::CatalogQuery;
use common::TestApp;
use std::time::Duration;

/// Many concurrent renders of every page kind; each must answer its status, none may panic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_all_answer() {
    let app = std::sync::Arc::new(TestApp::seeded(200).await);
    let slug = app.catalog.list(&CatalogQuery::default()).await.unwrap().apps[0].slug.clone();
    let uris = ["/".to_string(), "/apps?age=5-7&platform=ios".to_string(), format!("/apps/{slug}"), "/apps?sort=new&page=2".to_string()];
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
    tokio::time::timeout(Duration::from_secs(60), all).await.expect("200 concurrent requests did not finish within 60 s");
}
