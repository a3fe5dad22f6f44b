//! `/search` and the suggestions server function through the whole HTTP stack, on the
//! embedded index; and the fallback to the catalog when the search backend is down.

use crate::common;

use app::api::search::SuggestApps;
use common::TestApp;
use leptos::server_fn::ServerFn;

/// A word the generated catalog has in many app names.
const COMMON_WORD: &str = "dino";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_mark_the_words_and_link_back_to_the_same_search() {
    let app = TestApp::seeded(300).await;
    let page = app.get(&format!("/search?q={COMMON_WORD}&age=5-7")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let cards = page.card_slugs();
    assert!(!cards.is_empty(), "no results for {COMMON_WORD}");
    assert!(page.body.contains("<mark>Dino</mark>"), "the matched word is marked");
    assert!(page.body.contains("<title>Search: “dino” · Ages 5–7</title>"), "title names the search");
    assert!(
        page.body.contains(r#"rel="canonical" href="http://localhost/search?q=dino&amp;age=5-7""#)
            || page.body.contains(r#"/search?q=dino&amp;age=5-7""#)
    );
    // Facet and sort links keep the words; removing the age keeps them too.
    assert!(page.body.contains(r#"href="/search?q=dino&amp;age=5-7&amp;platform=ios""#), "facet link");
    assert!(page.body.contains(r#"href="/search?q=dino&amp;age=5-7&amp;sort=new""#), "sort link");
    assert!(page.body.contains(r#"href="/search?q=dino""#), "remove-filter chip");
    // Every result passes the filter.
    for slug in cards {
        let shown = app.catalog.get(&slug).await.unwrap().unwrap();
        assert_eq!(shown.age_band(), app::domain::AgeBand::EarlyReader, "{slug}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_written_as_words_become_the_search_filters() {
    let app = TestApp::seeded(300).await;
    let typed = app.get_with("/search?q=free+dino+app+for+4+year+olds", &[("accept", "text/html")]).await;
    assert_eq!(typed.status, 302, "{}", &typed.body[..typed.body.len().min(500)]);
    let location = typed.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(location, "/search?q=dino&age=2-4&price=free");
    let page = app.get(&location).await;
    assert_eq!(page.status, 200);
    let cards = page.card_slugs();
    assert!(!cards.is_empty(), "free dino apps for toddlers exist in the generated catalog");
    for slug in cards {
        let shown = app.catalog.get(&slug).await.unwrap().unwrap();
        assert_eq!((shown.age_band(), shown.is_free()), (app::domain::AgeBand::Toddler, true), "{slug}");
    }
    assert!(page.body.contains(r#"href="/search?q=dino&amp;price=free""#), "the age is a chip that can be removed");
    // A search whose words name no filter is answered as it is.
    assert_eq!(app.get("/search?q=dino").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_searches_are_400_pages_naming_the_parameter() {
    let app = TestApp::seeded(50).await;
    let long = "a".repeat(10 * 1024);
    let page = app.get(&format!("/search?q={long}")).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("`q`"), "{}", &page.body[..page.body.len().min(2000)]);
    assert!(page.body.contains(r#"<meta name="robots" content="noindex""#));
    let page = app.get("/search?q=dino&age=99").await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("`age`"));
    let suggest = app.get(&format!("{}?text={long}", SuggestApps::PATH)).await;
    assert_eq!(suggest.status, 400, "{}", suggest.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_found_offers_close_names_and_popular_apps() {
    let app = TestApp::seeded(200).await;
    let page = app.get("/search?q=qqqzzzxx").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"data-testid="no-results""#));
    assert!(page.body.contains("Popular picks"));
    assert!(!page.card_slugs().is_empty(), "popular apps are shown");

    let typo = app.get("/search?q=dino%20qqqzzzxx").await;
    assert!(typo.body.contains("Did you mean"), "a query with one unknown word suggests the rest");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suggestions_answer_a_get_with_apps_for_the_words_typed() {
    let app = TestApp::seeded(200).await;
    let some = app.catalog.scan(None, 1).await.unwrap().remove(0);
    let prefix: String = some.name.chars().take(some.name.find(' ').unwrap_or(some.name.len()) + 3).collect();
    let response = app.get(&format!("{}?text={}", SuggestApps::PATH, urlencode(&prefix))).await;
    assert_eq!(response.status, 200, "{}", response.body);
    let suggestions: Vec<app::domain::Suggestion> = serde_json::from_str(&response.body).unwrap();
    assert!(!suggestions.is_empty() && suggestions.len() <= app::domain::SUGGESTION_COUNT);
    let typed = app::domain::words(&prefix);
    let name_words = app::domain::words(&suggestions[0].name);
    assert!(
        typed.iter().enumerate().all(|(i, t)| name_words.iter().any(|w| app::domain::word_matches(
            t,
            w,
            i == typed.len() - 1
        ))),
        "the best suggestion matches every word typed: {suggestions:?}"
    );
    let empty = app.get(&format!("{}?text=", SuggestApps::PATH)).await;
    assert_eq!(empty.body.trim(), "[]");
}

/// A write reaches the index through an `index_app` job, and cached search pages go.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_follows_catalog_writes_and_cached_results_go() {
    let app = TestApp::seeded(100).await;
    let before = app.get("/search?q=zebracorn").await;
    assert!(before.body.contains(r#"data-testid="no-results""#));
    assert_eq!(app.get("/search?q=zebracorn").await.headers["x-cache"], "hit", "the search page is cached");

    let mut renamed = app.catalog.scan(None, 1).await.unwrap().remove(0);
    renamed.name = "Zebracorn Parade".into();
    app.catalog.upsert_many(std::slice::from_ref(&renamed)).await.unwrap();
    app.run_jobs().await;
    let after = app.get("/search?q=zebracorn").await;
    assert_ne!(after.headers["x-cache"], "hit", "the index changed: the cached page went");
    assert_eq!(after.card_slugs().first(), Some(&renamed.slug), "found by its new name");

    assert!(app.catalog.delete(&renamed.slug).await.unwrap());
    app.run_jobs().await;
    let gone = app.get("/search?q=zebracorn").await;
    assert!(gone.card_slugs().iter().all(|s| s != &renamed.slug), "a deleted app leaves the results");
}

/// A node on a fresh `DATA_DIR` whose worker runs elsewhere: until its index is built, search
/// answers from the catalog with the notice and `/readyz` says the index is being built.
#[tokio::test]
async fn until_the_index_is_built_search_answers_from_the_catalog_and_says_so() {
    let app = TestApp::with_unbuilt_search(200).await;
    let search = format!("/search?q={COMMON_WORD}");
    let page = app.get(&search).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"data-testid="limited-search""#), "the visitor is told search is limited");
    assert!(!page.card_slugs().is_empty(), "the catalog's matches are shown, not 'no results'");
    let ready: serde_json::Value = serde_json::from_str(&app.get("/readyz").await.body).unwrap();
    assert_eq!(ready["ready"], true, "a node without its index still serves");
    assert_eq!(ready["dependencies"]["search"]["up"], false, "{ready}");
    let why = ready["dependencies"]["search"]["error"].as_str().unwrap_or_default();
    assert!(why.contains("being built (0 of 200 apps indexed)"), "{why}");

    app.state.search.rebuild(&*app.state.catalog, &|_, _| {}).await.unwrap();
    let page = app.get(&search).await;
    assert!(!page.body.contains(r#"data-testid="limited-search""#), "the built index answers");
    assert!(!page.card_slugs().is_empty());
    let ready: serde_json::Value = serde_json::from_str(&app.get("/readyz").await.body).unwrap();
    assert_eq!(ready["dependencies"]["search"]["up"], true, "{ready}");
}

/// Meilisearch unreachable: the site still starts, answers searches from the catalog with a
/// notice (never cached), and `/readyz` says so while staying ready.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_search_backend_degrades_to_the_catalog() {
    let app = TestApp::with_env(200, &[("MEILI_URL", "http://127.0.0.1:9")]).await;
    let page = app.get(&format!("/search?q={COMMON_WORD}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"data-testid="limited-search""#), "the visitor is told search is limited");
    let cards = page.card_slugs();
    assert!(!cards.is_empty());
    for slug in &cards {
        let shown = app.catalog.get(slug).await.unwrap().unwrap();
        let text = format!("{} {}", shown.name, shown.description).to_lowercase();
        assert!(text.contains(COMMON_WORD), "{slug} does not contain the word");
    }
    assert_ne!(
        app.get(&format!("/search?q={COMMON_WORD}")).await.headers["x-cache"],
        "hit",
        "limited pages are not kept"
    );

    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, 200);
    let report: serde_json::Value = serde_json::from_str(&ready.body).unwrap();
    assert_eq!(report["dependencies"]["search"]["up"], false, "{report}");
    assert_eq!(report["dependencies"]["search"]["backend"], "meilisearch");

    let suggest = app.get(&format!("{}?text=din", SuggestApps::PATH)).await;
    assert_eq!(suggest.status, 200, "suggestions fall back too");
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
