//! The pages and endpoints as a browser without JavaScript sees them: status codes, the
//! server-rendered HTML, and what it lists.

use crate::common;

use app::domain::CatalogQuery;
use common::TestApp;

#[tokio::test]
async fn health_endpoints_answer() {
    let app = TestApp::seeded(10).await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status, 200);
    assert!(health.body.contains("\"ok\""), "{}", health.body);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert!(ready.body.contains("\"sqlite\""), "{}", ready.body);
}

#[tokio::test]
async fn home_lists_shelves_for_every_age_band() {
    let app = TestApp::seeded(300).await;
    let page = app.get("/").await;
    assert_eq!(page.status, 200);
    assert!(page.headers.contains_key("x-request-id"));
    assert!(page.body.contains("<html lang=\"en\""), "lang attribute");
    assert!(page.body.contains("Top rated by parents"));
    for band in ["2-4", "5-7", "8-10", "11-13", "14-18"] {
        assert!(page.body.contains(&format!("data-band=\"{band}\"")), "shelf for {band}");
    }
    let shelf = app::api::catalog::SHELF_SIZE;
    let top = app.catalog.list(&CatalogQuery { per_page: shelf, ..Default::default() }).await.unwrap();
    let cards = page.card_slugs();
    assert_eq!(cards.len(), shelf as usize * 7, "seven full shelves");
    assert_eq!(
        cards[..shelf as usize],
        top.apps.iter().map(|a| a.slug.clone()).collect::<Vec<_>>()[..],
        "top rated shelf comes first"
    );
}

#[tokio::test]
async fn browse_filters_narrow_the_list_and_count() {
    let app = TestApp::seeded(300).await;
    let all = app.get("/apps").await;
    assert_eq!(all.status, 200);
    assert!(all.body.contains("data-total=\"300\""), "unfiltered total");

    let page = app.get("/apps?age=5-7&platform=ios").await;
    assert_eq!(page.status, 200);
    let query = CatalogQuery::from_query_str("age=5-7&platform=ios").unwrap();
    let expected = app.catalog.list(&query).await.unwrap();
    assert!(expected.total > 0 && expected.total < 300);
    assert!(page.body.contains(&format!("data-total=\"{}\"", expected.total)), "filtered total");
    assert_eq!(page.card_slugs(), expected.apps.iter().map(|a| a.slug.clone()).collect::<Vec<_>>());
    for slug in page.card_slugs() {
        let app = app.catalog.get(&slug).await.unwrap().unwrap();
        assert!(query.matches(&app), "{slug} does not match the filters");
    }
    // The GET form's empty fields mean "any"; the result is the same listing.
    let form = app.get("/apps?age=5-7&platform=ios&category=&price=&min_learning=&sort=").await;
    assert_eq!(form.card_slugs(), page.card_slugs());
}

#[tokio::test]
async fn bad_parameters_get_a_400_naming_them() {
    let app = TestApp::seeded(20).await;
    for (uri, param) in [("/apps?age=baby", "age"), ("/apps?page=0", "page"), ("/apps?sort=random", "sort")] {
        let page = app.get(uri).await;
        assert_eq!(page.status, 400, "{uri}");
        assert!(
            page.body.contains(&format!("<code>{param}</code>")) || page.body.contains(&format!("`{param}`")),
            "{uri} must name {param}"
        );
        assert!(page.body.contains("noindex"));
    }
}

#[tokio::test]
async fn app_page_shows_the_scorecard_safer_alternatives_and_similar_apps() {
    let app = TestApp::seeded(200).await;
    // The top-rated app that has safer alternatives.
    let mut first = None;
    for candidate in app.catalog.list(&CatalogQuery { per_page: 60, ..Default::default() }).await.unwrap().apps {
        if !app.catalog.safer_alternatives(&candidate, 6).await.unwrap().is_empty() {
            first = Some(candidate);
            break;
        }
    }
    let first = first.expect("an app with safer alternatives");
    let page = app.get(&format!("/apps/{}", first.slug)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("<h1>{}</h1>", first.name)));
    assert!(page.body.contains("Parents&#39; scorecard") || page.body.contains("Parents' scorecard"));
    assert!(page.body.contains(&first.age_label()));
    let alternatives = app.catalog.safer_alternatives(&first, 6).await.unwrap();
    let similar = app.catalog.similar(&first, 6).await.unwrap();
    let cards = page.card_slugs();
    let want: Vec<String> = alternatives.iter().chain(&similar).map(|a| a.slug.clone()).collect();
    assert_eq!(cards, want, "the alternatives, then the similar apps");
    assert!(!cards.contains(&first.slug));
    let chips = page.body.matches("class=\"better-chip\"").count();
    assert!(chips >= alternatives.len(), "every alternative says what it does better ({chips} chips)");
    assert!(page.body.contains(&format!("/compare?apps={},{}", first.slug, alternatives[0].slug)));
}

#[tokio::test]
async fn compare_shows_the_apps_side_by_side_and_names_a_bad_list() {
    let app = TestApp::seeded(60).await;
    let apps = app.catalog.list(&CatalogQuery::default()).await.unwrap().apps;
    let (a, b, c) = (&apps[0].slug, &apps[1].slug, &apps[2].slug);
    let page = app.get(&format!("/compare?apps={a},{b}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.body.matches("class=\"compare-app\"").count(), 2);
    assert!(page.body.contains(&format!("Compare {} and {}", apps[0].name, apps[1].name)), "title names both");
    assert!(page.body.contains("data-row=\"Ads\"") && page.body.contains("data-row=\"Violence\""));
    // Another list is another page, not the cached first one.
    let other = app.get(&format!("/compare?apps={a},{c}")).await;
    assert_eq!(other.status, 200);
    assert!(
        other.body.contains(&apps[2].name)
            && !other.body.contains(&format!("Compare {} and {}", apps[0].name, apps[1].name))
    );

    for (uri, named) in [
        (format!("/compare?apps={a},no-such-app"), "no-such-app"),
        (format!("/compare?apps={a}"), "2 to 4"),
        (format!("/compare?apps={a},{b},{c},x,y"), "2 to 4"),
        (format!("/compare?apps={a},Bad%20Name"), "Bad Name"),
        ("/compare".to_string(), "2 to 4"),
    ] {
        let page = app.get(&uri).await;
        assert_eq!(page.status, 400, "{uri}");
        assert!(page.body.contains(named), "{uri} names {named}");
    }
}

#[tokio::test]
async fn unknown_pages_are_real_404s() {
    let app = TestApp::seeded(5).await;
    for uri in ["/apps/no-such-app", "/apps/Not%20A%20Slug", "/no/such/page"] {
        let page = app.get(uri).await;
        assert_eq!(page.status, 404, "{uri}");
        assert!(page.body.contains("find that page"), "{uri}: friendly 404 page");
        assert!(page.body.contains("noindex"), "{uri}");
    }
}

#[tokio::test]
async fn server_functions_answer_bad_input_with_4xx() {
    use app::api::catalog::{GetApp, ListApps};
    use leptos::server_fn::ServerFn;
    let app = TestApp::seeded(30).await;

    let ok = app.post_json(ListApps::PATH, r#"{"query":{"age":"Toddler","platform":null,"category":null,"price":null,"max_price_cents":null,"no_ads":false,"no_in_app_purchases":false,"no_data_collection":false,"min_learning":null,"sort":"TopRated","page":1,"per_page":500}}"#).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let page: app::domain::AppPage<app::domain::AppSummary> = serde_json::from_str(&ok.body).unwrap();
    assert!(page.apps.len() <= app::domain::MAX_PER_PAGE as usize, "page size is clamped on the server");
    assert!(page.apps.iter().all(|a| (2..=4).contains(&a.min_age)));

    for body in ["not json", r#"{"query":{"age":"Baby"}}"#, "{}"] {
        let bad = app.post_json(ListApps::PATH, body).await;
        assert_eq!(bad.status, 400, "{body}: {}", bad.body);
    }
    let missing = app.post_json(GetApp::PATH, r#"{"slug":"no-such-app"}"#).await;
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert!(matches!(serde_json::from_str::<app::api::ApiError>(&missing.body), Ok(app::api::ApiError::NotFound(_))));
}
