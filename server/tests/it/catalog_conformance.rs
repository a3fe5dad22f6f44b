//! The catalog contract, written once and run against every store available: SQLite (the
//! embedded default), the in-memory browse index in front of it, and MongoDB (`MONGODB_URL`,
//! or the nx-27017 stand-in `make test` installs). Answers are compared with
//! a reference computed in memory from the same generated apps.

use crate::common;

use app::domain::{App, AppPage, CatalogQuery, Category, FacetCounts, Platform, SortOrder};
use app::ports::{Catalog, StoreError};
use common::reference_order;
use famigo::catalog::seed::generate;
use std::collections::HashSet;

const CATALOG_SIZE: usize = 400;

fn sample(n: usize) -> Vec<App> {
    generate(n, 42).collect()
}

async fn seeded(catalog: &dyn Catalog) -> Vec<App> {
    let apps = sample(CATALOG_SIZE);
    for chunk in apps.chunks(150) {
        catalog.upsert_many(chunk).await.expect("upsert");
    }
    apps
}

fn reference_list(apps: &[App], query: &CatalogQuery) -> (Vec<String>, u64, FacetCounts) {
    let mut matching: Vec<&App> = apps.iter().filter(|a| query.matches(a)).collect();
    matching.sort_by(|a, b| reference_order(query.sort, a, b));
    let page =
        matching.iter().skip(query.offset() as usize).take(query.per_page as usize).map(|a| a.slug.clone()).collect();
    let mut facets = FacetCounts::zeroed();
    for app in apps {
        facets.add(query, app);
    }
    (page, matching.len() as u64, facets)
}

fn slugs(page: &AppPage) -> Vec<String> {
    page.apps.iter().map(|a| a.slug.clone()).collect()
}

fn queries() -> Vec<CatalogQuery> {
    [
        "",
        "sort=new",
        "sort=name&page=3",
        "sort=learning&page=2",
        "age=2-4",
        "age=5-7&platform=ios",
        "age=8-10&platform=android&category=games&sort=new",
        "category=math&price=free",
        "price=paid&max_price=2.99&sort=name",
        "max_price=0.99",
        "no_ads=1&no_iap=1",
        "no_data=1&min_learning=4&sort=learning",
        "platform=kindle&category=music&no_ads=1&page=2",
        "age=14-18&category=coding&price=paid&no_data=1",
        "chat=none&no_tracking=1&offline=1",
        "chat=moderated&age=11-13&no_loot_boxes=1&sort=new",
        "no_subscription=1&no_third_party_ads=1&no_location=1&lang=es",
        "lang=fr&a11y=captions&subject=math&sort=learning",
        "subject=reading&chat=none&no_iap=1",
        "a11y=voiceover&offline=1&page=2",
        "page=17",
        "page=500",
    ]
    .iter()
    .map(|qs| CatalogQuery::from_query_str(qs).expect(qs))
    .collect()
}

async fn round_trip_by_slug(under_test: &common::TestCatalog) {
    let catalog = &*under_test.catalog;
    let apps = sample(20);
    catalog.upsert_many(&apps).await.unwrap();
    for app in &apps {
        assert_eq!(catalog.get(&app.slug).await.unwrap().as_ref(), Some(app));
    }
    assert_eq!(catalog.get("no-such-app").await.unwrap(), None);
    assert_eq!(catalog.count().await.unwrap(), 20);

    let mut messy = sample(21).pop().unwrap();
    messy.categories = vec![Category::Music, Category::Games, Category::Music];
    messy.platforms = vec![Platform::Web, Platform::Ios];
    catalog.upsert_many(std::slice::from_ref(&messy)).await.unwrap();
    let stored = catalog.get(&messy.slug).await.unwrap().unwrap();
    assert_eq!(stored.categories, vec![Category::Games, Category::Music]);
    assert_eq!(stored.platforms, vec![Platform::Ios, Platform::Web]);
}

async fn upsert_replaces_by_slug(under_test: &common::TestCatalog) {
    let catalog = &*under_test.catalog;
    let mut apps = sample(5);
    catalog.upsert_many(&apps).await.unwrap();
    apps[2].name = "Renamed Explorer".into();
    apps[2].rating_avg = 5.0;
    apps[2].rating_count = 1_000_000;
    catalog.upsert_many(&apps[2..3]).await.unwrap();
    assert_eq!(catalog.count().await.unwrap(), 5);
    assert_eq!(catalog.get(&apps[2].slug).await.unwrap().unwrap().name, "Renamed Explorer");
    let top = catalog.list(&CatalogQuery::default()).await.unwrap();
    assert_eq!(top.apps[0].slug, apps[2].slug, "the write is visible to listings at once");
}

async fn invalid_batch_writes_nothing(under_test: &common::TestCatalog) {
    let catalog = &*under_test.catalog;
    let mut apps = sample(3);
    apps[1].min_age = 40;
    let err = catalog.upsert_many(&apps).await.unwrap_err();
    match err {
        StoreError::Invalid { slug, source } => {
            assert_eq!(slug, apps[1].slug);
            assert_eq!(source.field, "min_age");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(catalog.count().await.unwrap(), 0, "a valid app of the same batch must not be written");
    assert_eq!(catalog.get(&apps[0].slug).await.unwrap(), None);
}

async fn listings_match_the_reference(under_test: &common::TestCatalog) {
    let catalog = &*under_test.catalog;
    let apps = seeded(catalog).await;
    for query in queries() {
        let page = catalog.list(&query).await.unwrap();
        let (want_slugs, want_total, want_facets) = reference_list(&apps, &query);
        let qs = query.to_query_string();
        assert_eq!(page.total, want_total, "total for ?{qs}");
        assert_eq!(slugs(&page), want_slugs, "page for ?{qs}");
        assert_eq!(page.facets, want_facets, "facets for ?{qs}");
        assert_eq!((page.page, page.per_page), (query.page, query.per_page));
        for app in &page.apps {
            assert!(query.matches(app), "{} does not match ?{qs}", app.slug);
        }
    }
}

async fn text_match_follows_the_reference(under_test: &common::TestCatalog) {
    let catalog = &*under_test.catalog;
    let apps = seeded(catalog).await;
    let contains_all = |app: &App, words: &[String]| {
        let haystack = format!("{} {}", app.name, app.description).to_ascii_lowercase();
        words.iter().all(|w| haystack.contains(w.as_str()))
    };
    for (text, qs) in
        [("dino", ""), ("happy owl", "sort=name"), ("math", "age=5-7&no_ads=1"), ("zzzz", ""), ("", "age=2-4")]
    {
        let words = app::domain::words(text);
        let query = CatalogQuery::from_query_str(qs).unwrap();
        let matching: Vec<App> = apps.iter().filter(|a| contains_all(a, &words)).cloned().collect();
        let (want_slugs, want_total, want_facets) = reference_list(&matching, &query);
        let page = catalog.search_text(&words, &query).await.unwrap();
        assert_eq!((page.total, slugs(&page)), (want_total, want_slugs), "{text:?} ?{qs}");
        assert_eq!(page.facets, want_facets, "facets for {text:?} ?{qs}");
    }
}

async fn pages_cover_every_match_once(under_test: &common::TestCatalog) {
    let catalog = &*under_test.catalog;
    seeded(catalog).await;
    for sort in SortOrder::ALL {
        let base = CatalogQuery { sort: *sort, per_page: 7, ..CatalogQuery::from_query_str("age=5-7").unwrap() };
        let first = catalog.list(&base).await.unwrap();
        let mut seen = HashSet::new();
        for page in 1..=first.page_count() {
            for app in catalog.list(&base.with_page(page)).await.unwrap().apps {
                assert!(seen.insert(app.slug.clone()), "{} listed twice ({sort:?})", app.slug);
            }
        }
        assert_eq!(seen.len() as u64, first.total, "{sort:?}");
    }
}

async fn similar_apps_follow_the_contract(under_test: &common::TestCatalog) {
    let catalog = &*under_test.catalog;
    let apps = seeded(catalog).await;
    for app in apps.iter().step_by(37) {
        let got: Vec<String> = catalog.similar(app, 6).await.unwrap().into_iter().map(|a| a.slug).collect();
        let mut want: Vec<&App> = apps
            .iter()
            .filter(|o| {
                o.slug != app.slug
                    && o.categories.iter().any(|c| app.categories.contains(c))
                    && o.min_age.abs_diff(app.min_age) <= 2
            })
            .collect();
        want.sort_by(|a, b| reference_order(SortOrder::TopRated, a, b));
        let want: Vec<String> = want.into_iter().take(6).map(|a| a.slug.clone()).collect();
        assert_eq!(got, want, "similar to {}", app.slug);
    }
}

/// "Same idea, fewer risks", checked against the facts themselves rather than the domain's
/// risk levels: an alternative may not add ads, third-party ads, purchases, loot boxes,
/// personal data, tracking or chat, and must drop at least one of them.
fn no_worse_and_better(other: &App, app: &App) -> bool {
    use app::domain::{Ads, Chat};
    let risks = |a: &App| {
        let (m, p, chat) = (&a.facts.money, &a.facts.privacy, a.facts.interaction.chat);
        [
            m.ads != Ads::None,
            matches!(m.ads, Ads::ThirdParty | Ads::RewardedVideo),
            m.has_purchases(),
            m.loot_boxes,
            p.collects_personal_data(),
            p.tracks(),
            chat != Chat::None,
            chat == Chat::Open,
        ]
    };
    let (theirs, ours) = (risks(other), risks(app));
    theirs.iter().zip(&ours).all(|(t, o)| !t || *o) && theirs.iter().zip(&ours).any(|(t, o)| !t && *o)
}

fn reference_alternative(other: &App, app: &App) -> bool {
    other.slug != app.slug
        && other.age_band() == app.age_band()
        && other.categories.iter().any(|c| app.categories.contains(c))
        && no_worse_and_better(other, app)
}

async fn safer_alternatives_follow_the_contract(under_test: &common::TestCatalog) {
    let catalog = &*under_test.catalog;
    let apps = seeded(catalog).await;
    let (mut with_some, mut full) = (0, 0);
    for app in apps.iter().step_by(13) {
        let got: Vec<String> = catalog.safer_alternatives(app, 6).await.unwrap().into_iter().map(|a| a.slug).collect();
        let mut want: Vec<&App> = apps.iter().filter(|o| reference_alternative(o, app)).collect();
        want.sort_by(|a, b| reference_order(SortOrder::Learning, a, b));
        let want: Vec<String> = want.into_iter().take(6).map(|a| a.slug.clone()).collect();
        assert_eq!(got, want, "alternatives to {}", app.slug);
        with_some += usize::from(!got.is_empty());
        full += usize::from(got.len() == 6);
    }
    assert!(with_some > 5 && full > 0, "the sample exercises the choice ({with_some} with some, {full} full)");
}

async fn delete_removes_everywhere(under_test: &common::TestCatalog) {
    let catalog = &*under_test.catalog;
    let apps = seeded(catalog).await;
    let victim = &apps[10];
    assert!(catalog.delete(&victim.slug).await.unwrap());
    assert!(!catalog.delete(&victim.slug).await.unwrap());
    assert_eq!(catalog.get(&victim.slug).await.unwrap(), None);
    let all = catalog.list(&CatalogQuery { per_page: 60, ..Default::default() }).await.unwrap();
    assert_eq!(all.total, CATALOG_SIZE as u64 - 1);
    let mut everything = Vec::new();
    for page in 1..=all.page_count() {
        everything
            .extend(slugs(&catalog.list(&CatalogQuery { per_page: 60, page, ..Default::default() }).await.unwrap()));
    }
    assert!(!everything.contains(&victim.slug));
}

async fn scan_walks_the_catalog_in_slug_order(under_test: &common::TestCatalog) {
    let catalog = &*under_test.catalog;
    let apps = seeded(catalog).await;
    let mut walked = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let batch = catalog.scan(after.as_deref(), 64).await.unwrap();
        let Some(last) = batch.last() else { break };
        after = Some(last.slug.clone());
        walked.extend(batch.into_iter().map(|a| a.slug));
    }
    let mut want: Vec<String> = apps.iter().map(|a| a.slug.clone()).collect();
    want.sort();
    assert_eq!(walked, want);
}

async fn get_many_keeps_the_order_asked(under_test: &common::TestCatalog) {
    let catalog = &*under_test.catalog;
    let apps = sample(10);
    catalog.upsert_many(&apps).await.unwrap();
    let ask = vec![apps[7].slug.clone(), "missing".to_string(), apps[2].slug.clone(), apps[5].slug.clone()];
    let got: Vec<String> = catalog.get_many(&ask).await.unwrap().into_iter().map(|a| a.slug).collect();
    assert_eq!(got, vec![apps[7].slug.clone(), apps[2].slug.clone(), apps[5].slug.clone()]);
    assert!(catalog.get_many(&[]).await.unwrap().is_empty());
    catalog.ping().await.unwrap();
}

async fn fact_changes_are_recorded_with_each_write(under_test: &common::TestCatalog) {
    use app::domain::{Ads, Chat, FactSource};
    let catalog = &*under_test.catalog;
    let mut apps = sample(3);
    catalog.upsert_many(&apps).await.unwrap();
    assert!(catalog.fact_history(&apps[0].slug).await.unwrap().is_empty(), "a first write is no change");

    let before = apps[0].clone();
    apps[0].facts.money.ads = if before.facts.money.ads == Ads::ThirdParty { Ads::None } else { Ads::ThirdParty };
    apps[0].facts.sources.money.source = FactSource::FamigoTest;
    apps[0].description.push_str(" Now with more levels.");
    catalog.upsert_many(&apps).await.unwrap();
    let history = catalog.fact_history(&apps[0].slug).await.unwrap();
    assert_eq!(history.len(), 1, "only the changed fact: {history:?}");
    assert_eq!(history[0].fact, "money.ads");
    assert_eq!(
        (history[0].from.as_str(), history[0].to.as_str()),
        (before.facts.money.ads.label(), apps[0].facts.money.ads.label())
    );
    assert_eq!(history[0].source, FactSource::FamigoTest);
    assert_eq!(history[0].on, chrono::Utc::now().date_naive());

    apps[0].facts.interaction.chat = if before.facts.interaction.chat == Chat::Open { Chat::None } else { Chat::Open };
    catalog.upsert_many(&apps[..1]).await.unwrap();
    let history = catalog.fact_history(&apps[0].slug).await.unwrap();
    let facts: Vec<&str> = history.iter().map(|c| c.fact.as_str()).collect();
    assert_eq!(facts, ["interaction.chat", "money.ads"], "newest first");
    assert!(catalog.fact_history(&apps[1].slug).await.unwrap().is_empty(), "other apps unchanged");
    assert_eq!(catalog.get(&apps[0].slug).await.unwrap().as_ref(), Some(&apps[0]));

    assert!(catalog.delete(&apps[0].slug).await.unwrap());
    assert!(catalog.fact_history(&apps[0].slug).await.unwrap().is_empty(), "a deleted app leaves no history");
}

common::backend_suite!([sqlite: common::sqlite, browse_index_over_sqlite: common::indexed_sqlite, mongodb: common::mongodb], [ fact_changes_are_recorded_with_each_write, round_trip_by_slug, upsert_replaces_by_slug, invalid_batch_writes_nothing, listings_match_the_reference, text_match_follows_the_reference, pages_cover_every_match_once, similar_apps_follow_the_contract, safer_alternatives_follow_the_contract, delete_removes_everywhere, scan_walks_the_catalog_in_slug_order, get_many_keeps_the_order_asked ]);

/// Over a catalog the size `make run` seeds: every app's alternatives are all safer, and
/// there are as many as the catalog holds (up to six).
#[tokio::test]
async fn every_seeded_app_gets_only_safer_alternatives() {
    let under_test = common::indexed_sqlite().await.expect("sqlite");
    let catalog = &*under_test.catalog;
    let apps: Vec<App> = generate(2_000, 7).collect();
    for chunk in apps.chunks(500) {
        catalog.upsert_many(chunk).await.expect("upsert");
    }
    let mut found = 0;
    for app in &apps {
        let got = catalog.safer_alternatives(app, 6).await.unwrap();
        for other in &got {
            assert!(no_worse_and_better(other, app), "{} is no safer than {}", other.slug, app.slug);
            assert_eq!(other.age_band(), app.age_band(), "{} for {}", other.slug, app.slug);
            assert!(other.categories.iter().any(|c| app.categories.contains(c)), "{} for {}", other.slug, app.slug);
        }
        let available = apps.iter().filter(|o| reference_alternative(o, app)).count();
        assert_eq!(got.len(), available.min(6), "alternatives to {}", app.slug);
        found += got.len();
    }
    assert!(found > apps.len(), "most apps have alternatives ({found} in all)");
}
