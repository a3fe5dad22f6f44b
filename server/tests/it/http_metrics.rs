//! `/metrics`, `x-famigo-node` and `/readyz` as an operator and a load balancer see them.

use crate::common;

use common::TestApp;

fn value_of(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find(|l| l.starts_with(series)).and_then(|l| l.rsplit(' ').next()).and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_by_route_pattern_and_mirror_the_node_state() {
    let app = TestApp::with_env(60, &[("FAMIGO_NODE", "node-a")]).await;
    let slug = app.catalog.scan(None, 1).await.unwrap().remove(0).slug;
    for _ in 0..3 {
        assert_eq!(app.get(&format!("/apps/{slug}")).await.status, 200);
    }
    assert_eq!(app.get("/apps/no-such-app").await.status, 404);
    assert_eq!(app.get("/search?q=dino").await.status, 200);
    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status, 200);
    assert!(metrics.headers["content-type"].to_str().unwrap().starts_with("text/plain"));
    let body = &metrics.body;
    let ok = value_of(body, r#"famigo_http_requests_total{route="/apps/{slug}",method="GET",status="200"}"#);
    assert!(ok.is_some_and(|n| n >= 3.0), "requests by route pattern:\n{body}");
    assert!(value_of(body, r#"famigo_http_requests_total{route="/apps/{slug}",method="GET",status="404"}"#)
        .is_some_and(|n| n >= 1.0));
    assert!(!body.contains(&format!("route=\"/apps/{slug}\"")), "a raw path never becomes a label");
    assert!(
        body.contains(r#"famigo_http_request_duration_seconds_bucket{route="/apps/{slug}",le="0.005"}"#),
        "latency histogram"
    );
    assert!(
        value_of(body, r#"famigo_page_cache_total{outcome="hit"}"#).is_some_and(|n| n >= 1.0),
        "the repeated page was a hit"
    );
    assert_eq!(value_of(body, r#"famigo_dependency_up{dependency="store",backend="sqlite"}"#), Some(1.0));
    assert_eq!(value_of(body, r#"famigo_dependency_up{dependency="search",backend="tantivy"}"#), Some(1.0));
    assert!(body.contains(r#"famigo_jobs{state="queued"}"#));
    assert!(
        body.contains(r#"famigo_search_duration_seconds_count{backend="tantivy",call="search"}"#),
        "search latency"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_names_the_node() {
    let app = TestApp::with_env(20, &[("FAMIGO_NODE", "node-b")]).await;
    let slug = app.catalog.scan(None, 1).await.unwrap().remove(0).slug;
    for uri in [
        "/",
        "/",
        "/healthz",
        "/readyz",
        "/metrics",
        "/apps/no-such-app",
        "/robots.txt",
        &format!("/apps/{slug}/icon.svg"),
    ] {
        let response = app.get(uri).await;
        assert_eq!(response.headers.get("x-famigo-node").map(|v| v.to_str().unwrap()), Some("node-b"), "{uri}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_names_each_dependency_and_fails_while_draining() {
    let app = TestApp::seeded(10).await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, 200);
    let report: serde_json::Value = serde_json::from_str(&ready.body).unwrap();
    for dependency in ["store", "page_cache", "search", "queue"] {
        assert_eq!(report["dependencies"][dependency]["up"], true, "{dependency}: {report}");
        assert!(report["dependencies"][dependency]["latency_ms"].is_number());
    }
    app.lifecycle.start_draining();
    let draining = app.get("/readyz").await;
    assert_eq!(draining.status, 503);
    assert!(draining.body.contains(r#""draining":true"#));
    assert_eq!(app.get("/healthz").await.status, 200, "still alive, still serving");
    assert_eq!(app.get("/").await.status, 200);
}
