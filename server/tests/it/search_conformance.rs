//! The search relevance suite, written once against `SearchIndex` and run against the
//! embedded Tantivy index always and Meilisearch when `MEILI_URL` is set (each run in an index
//! of its own, removed afterwards). Hand-written apps with distinctive names sit among
//! generated ones, so every check has neighbours to beat.

use crate::common;

use app::domain::{App, CatalogQuery, Category, Platform, SearchQuery, SearchSort, SortOrder};
use app::ports::SearchIndex;
use chrono::NaiveDate;
use famigo::search::meili::MeiliSearch;
use famigo::search::tantivy::TantivySearch;
use std::collections::HashSet;
use std::sync::Arc;

const FILLER: usize = 300;

fn app(slug: &str, name: &str, description: &str, min_age: u8, categories: Vec<Category>) -> App {
    App {
        slug: slug.into(),
        name: name.into(),
        developer: "Test Kitchen Studios".into(),
        description: description.into(),
        platforms: vec![Platform::Ios, Platform::Android],
        price_cents: 0,
        categories,
        min_age,
        max_age: None,
        learning_rating: 4,
        facts: Default::default(),
        rating_avg: 3.0,
        rating_count: 10,
        released: NaiveDate::from_ymd_opt(2021, 5, 1).unwrap(),
        updated: NaiveDate::from_ymd_opt(2022, 5, 1).unwrap(),
    }
}

fn fixtures() -> Vec<App> {
    let mut paid = app(
        "minecraft-education",
        "Minecraft Education",
        "Build worlds block by block and learn to code.",
        8,
        vec![Category::Coding, Category::Games],
    );
    paid.price_cents = 499;
    paid.facts.money.model = app::domain::PriceModel::PaidOnce;
    vec![
        paid,
        app(
            "tyrannosaurus-counting",
            "Tyrannosaurus Counting",
            "Count to twenty with a hungry tyrannosaurus.",
            4,
            vec![Category::Math],
        ),
        app(
            "mathemagics-tables",
            "Mathemagics Tables",
            "Practise multiplication tables with card tricks.",
            8,
            vec![Category::Math, Category::Education],
        ),
        app("phonics-rocketship", "Phonics Rocketship", "Blend sounds into first words.", 5, vec![Category::Reading]),
        app(
            "star-chart",
            "Star Chart Junior",
            "Point the tablet at the sky; a rocketship tour of the planets.",
            9,
            vec![Category::Science],
        ),
        app(
            "ecoute-musique",
            "Écoute Musique",
            "Écoutez des chansons et jouez du xylophone.",
            3,
            vec![Category::Music, Category::Languages],
        ),
        app("quokka-quiz", "Quokka Quiz", "Animal trivia for families.", 6, vec![Category::Puzzles]),
    ]
}

/// An index under test over a catalog holding the fixtures and generated apps.
struct Setup {
    index: Arc<dyn SearchIndex>,
    catalog: common::TestCatalog,
    meili_uid: Option<(MeiliSearch, String)>,
    _dir: tempfile::TempDir,
}

impl Setup {
    async fn fill(
        index: Arc<dyn SearchIndex>,
        dir: tempfile::TempDir,
        meili_uid: Option<(MeiliSearch, String)>,
    ) -> Setup {
        let catalog = common::sqlite().await.expect("sqlite is always there");
        catalog.catalog.upsert_many(&fixtures()).await.unwrap();
        let filler: Vec<App> = famigo::catalog::seed::generate(FILLER, 11).collect();
        catalog.catalog.upsert_many(&filler).await.unwrap();
        let indexed = index.rebuild(&*catalog.catalog, &|_, _| {}).await.unwrap();
        assert_eq!(indexed, (FILLER + fixtures().len()) as u64);
        Setup { index, catalog, meili_uid, _dir: dir }
    }

    async fn done(self) {
        if let Some((meili, uid)) = self.meili_uid {
            meili.drop_index(&uid).await;
        }
    }

    async fn search(&self, qs: &str) -> (Vec<String>, u64, app::domain::FacetCounts) {
        let query = SearchQuery::from_query_str(qs).expect(qs);
        let found = self.index.search(&query).await.expect(qs);
        (found.slugs, found.total, found.facets)
    }

    /// Every match of a search, walking all its pages.
    async fn all(&self, qs: &str) -> Vec<String> {
        let mut query = SearchQuery::from_query_str(qs).expect(qs);
        query.filters.per_page = 60;
        let mut slugs = Vec::new();
        loop {
            let found = self.index.search(&query).await.unwrap();
            let done = found.slugs.len() < 60;
            slugs.extend(found.slugs);
            if done {
                return slugs;
            }
            query = query.with_page(query.filters.page + 1);
        }
    }

    async fn apps(&self, slugs: &[String]) -> Vec<App> {
        self.catalog.catalog.get_many(slugs).await.unwrap()
    }
}

async fn tantivy() -> Option<Setup> {
    let dir = tempfile::TempDir::new().unwrap();
    let index = TantivySearch::open(dir.path()).unwrap();
    Some(Setup::fill(Arc::new(index), dir, None).await)
}

async fn meilisearch() -> Option<Setup> {
    let Ok(url) = std::env::var("MEILI_URL") else {
        return common::skip("meilisearch", "MEILI_URL not set");
    };
    let key = std::env::var("MEILI_KEY").ok();
    let uid = format!("famigo_test_{}", ulid::Ulid::new().to_string().to_lowercase());
    let index = MeiliSearch::new(&url, key.as_deref(), &uid).unwrap();
    let cleanup = MeiliSearch::new(&url, key.as_deref(), &uid).unwrap();
    let dir = tempfile::TempDir::new().unwrap();
    Some(Setup::fill(Arc::new(index), dir, Some((cleanup, uid))).await)
}

async fn one_typo_finds_the_intended_app_first(s: &Setup) {
    assert_eq!(s.search("q=minecarft").await.0.first().map(String::as_str), Some("minecraft-education"));
    assert_eq!(s.search("q=tyranosaurus").await.0.first().map(String::as_str), Some("tyrannosaurus-counting"));
    assert_eq!(
        s.search("q=quokka%20qui").await.0.first().map(String::as_str),
        Some("quokka-quiz"),
        "short words forgive nothing, but the last is a prefix"
    );
}

async fn a_prefix_finds_completions(s: &Setup) {
    // Every match has a word that answers the domain's rule; a typo and a completion do not
    // combine ("brave" is not "travels", which a third of the generated descriptions hold).
    let brave = s.apps(&s.all("q=brave").await).await;
    assert!(!brave.is_empty());
    for app in &brave {
        let text = format!(
            "{} {} {} {}",
            app.name,
            app.developer,
            app.description,
            app.categories.iter().map(|c| c.label()).collect::<Vec<_>>().join(" ")
        );
        assert!(
            app::domain::fold(&text)
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| app::domain::word_matches("brave", w, true)),
            "{} matched brave",
            app.slug
        );
    }
    assert_eq!(s.search("q=mathema").await.0.first().map(String::as_str), Some("mathemagics-tables"));
    let suggested = s.index.suggest("phonics rock", 6).await.unwrap();
    assert_eq!(suggested.first().map(String::as_str), Some("phonics-rocketship"));
    assert!(suggested.len() <= 6);
}

async fn the_name_outranks_the_description(s: &Setup) {
    let (slugs, total, _) = s.search("q=rocketship").await;
    assert_eq!(total, 2, "{slugs:?}");
    assert_eq!(slugs, vec!["phonics-rocketship", "star-chart"]);
}

async fn filters_intersect_with_the_text(s: &Setup) {
    let everything: HashSet<String> = s.all("q=dino").await.into_iter().collect();
    assert!(everything.len() >= 3, "the generated catalog has dino apps: {everything:?}");
    for filter in [
        "age=5-7",
        "platform=ios&no_ads=1",
        "category=math",
        "price=paid&min_learning=3",
        "chat=none&no_tracking=1",
        "offline=1&lang=es",
        "subject=math&a11y=captions&chat=moderated",
    ] {
        let filtered = s.all(&format!("q=dino&{filter}")).await;
        let query = CatalogQuery::from_query_str(filter).unwrap();
        let want: HashSet<String> = s
            .apps(&everything.iter().cloned().collect::<Vec<_>>())
            .await
            .into_iter()
            .filter(|a| query.matches(a))
            .map(|a| a.slug)
            .collect();
        assert_eq!(filtered.iter().cloned().collect::<HashSet<_>>(), want, "dino with {filter}");
        assert_eq!(filtered.len(), want.len(), "no app listed twice with {filter}");
    }
}

async fn facet_counts_equal_the_filtered_hits(s: &Setup) {
    for base in ["q=dino", "q=dino&age=5-7", "q=math&no_ads=1"] {
        let (_, _, facets) = s.search(base).await;
        for &(band, count) in &facets.age {
            let total = s.search(&format!("{}&age={}", base.split("&age").next().unwrap(), band.slug())).await.1;
            assert_eq!(count, total, "{base}: age {}", band.slug());
        }
        for &(category, count) in &facets.category {
            assert_eq!(
                count,
                s.search(&format!("{base}&category={}", category.slug())).await.1,
                "{base}: {category:?}"
            );
        }
        for &(platform, count) in &facets.platform {
            assert_eq!(
                count,
                s.search(&format!("{base}&platform={}", platform.slug())).await.1,
                "{base}: {platform:?}"
            );
        }
        for &(price, count) in &facets.price {
            assert_eq!(count, s.search(&format!("{base}&price={}", price.slug())).await.1, "{base}: {price:?}");
        }
        let no_ads = base.replace("&no_ads=1", "");
        assert_eq!(facets.no_ads, s.search(&format!("{no_ads}&no_ads=1")).await.1, "{base}: no ads");
        for &(limit, count) in &facets.chat {
            assert_eq!(count, s.search(&format!("{base}&chat={}", limit.slug())).await.1, "{base}: {limit:?}");
        }
        for &(check, count) in &facets.checks {
            assert_eq!(count, s.search(&format!("{base}&{}=1", check.slug())).await.1, "{base}: {check:?}");
        }
        for &(language, count) in &facets.language {
            assert_eq!(count, s.search(&format!("{base}&lang={}", language.slug())).await.1, "{base}: {language:?}");
        }
        for &(subject, count) in &facets.subject {
            assert_eq!(count, s.search(&format!("{base}&subject={}", subject.slug())).await.1, "{base}: {subject:?}");
        }
    }
}

async fn sorts_follow_the_catalog_orders(s: &Setup) {
    for sort in [SortOrder::TopRated, SortOrder::Newest, SortOrder::Name, SortOrder::Learning] {
        let query = SearchQuery { sort: SearchSort::By(sort), ..SearchQuery::new("dino") };
        let slugs = s.all(&query.to_query_string()).await;
        let apps = s.apps(&slugs).await;
        let mut sorted = apps.clone();
        sorted.sort_by(|a, b| common::reference_order(sort, a, b));
        let got: Vec<&str> = apps.iter().map(|a| a.slug.as_str()).collect();
        let want: Vec<&str> = sorted.iter().map(|a| a.slug.as_str()).collect();
        assert_eq!(got, want, "{sort:?}");
    }
}

async fn pages_cover_every_match_once(s: &Setup) {
    let (_, total, _) = s.search("q=happy").await;
    let mut query = SearchQuery::new("happy");
    query.filters.per_page = 7;
    let mut seen = HashSet::new();
    for page in 1..=total.div_ceil(7) as u32 {
        for slug in s.index.search(&query.with_page(page)).await.unwrap().slugs {
            assert!(seen.insert(slug.clone()), "{slug} on two pages");
        }
    }
    assert_eq!(seen.len() as u64, total);
}

async fn a_deleted_or_renamed_app_leaves_the_results(s: &Setup) {
    s.index.delete(&["quokka-quiz".to_string()]).await.unwrap();
    assert_eq!(s.search("q=quokka").await.1, 0);
    let mut renamed = fixtures().into_iter().find(|a| a.slug == "mathemagics-tables").unwrap();
    renamed.name = "Times Table Wizard".into();
    s.index.upsert(&[renamed]).await.unwrap();
    assert_eq!(s.search("q=mathemagics").await.1, 0, "the old name is gone");
    assert_eq!(s.search("q=wizard").await.0, vec!["mathemagics-tables"]);
    assert_eq!(s.index.count().await.unwrap(), (FILLER + fixtures().len() - 1) as u64);
}

async fn unicode_synonyms_and_empty_queries(s: &Setup) {
    for text in ["ecoute", "ÉCOUTE", "Écoute"] {
        assert_eq!(
            s.search(&format!("q={}", urlencode(text))).await.0.first().map(String::as_str),
            Some("ecoute-musique"),
            "{text}"
        );
    }
    let (_, total, _) = s.search(&format!("q={}", urlencode("恐竜 🦖"))).await;
    assert_eq!(total, 0);
    let (_, everything, _) = s.search("").await;
    assert_eq!(everything, (FILLER + fixtures().len()) as u64, "no words: every app");
    let math = s.all("q=math").await;
    assert!(math.contains(&"mathemagics-tables".to_string()), "{math:?}");
    let maths = s.all("q=maths").await;
    assert_eq!(maths.len(), math.len(), "maths and math are one word to a parent");
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

common::backend_suite!([tantivy: tantivy, meilisearch: meilisearch], [one_typo_finds_the_intended_app_first, a_prefix_finds_completions, the_name_outranks_the_description, filters_intersect_with_the_text, facet_counts_equal_the_filtered_hits, sorts_follow_the_catalog_orders, pages_cover_every_match_once, a_deleted_or_renamed_app_leaves_the_results, unicode_synonyms_and_empty_queries], then Setup::done);

/// A Meilisearch index an older version wrote (documents without `rating_score`) says it is
/// outdated, so the server queues a rebuild at start; once its apps are written again it is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meilisearch_index_written_before_rating_score_is_outdated() {
    let Ok(url) = std::env::var("MEILI_URL") else {
        return common::skip("meilisearch", "MEILI_URL not set").unwrap_or(());
    };
    let key = std::env::var("MEILI_KEY").ok();
    let uid = format!("famigo_test_{}", ulid::Ulid::new().to_string().to_lowercase());
    let index = MeiliSearch::new(&url, key.as_deref(), &uid).unwrap();
    assert!(!index.outdated().await.unwrap(), "an empty index is not outdated (it is rebuilt for being empty)");
    let app = fixtures().remove(0);
    let old_format = serde_json::json!([{ "id": app.slug, "name": app.name, "rating": app.rating_avg, "rating_count": app.rating_count }]);
    let client = meilisearch_sdk::client::Client::new(&url, key.as_deref()).unwrap();
    let task = client.index(&uid).add_documents(old_format.as_array().unwrap(), Some("id")).await.unwrap();
    task.wait_for_completion(&client, None, None).await.unwrap();
    assert!(index.outdated().await.unwrap(), "documents without rating_score");
    index.upsert(&[app]).await.unwrap();
    assert!(!index.outdated().await.unwrap(), "written again by this version");
    index.drop_index(&uid).await;
}
