//! The richer app record beyond the catalog contract: both stores bring a catalog stored
//! before it forward, export and import carry a format version (and read the old format), and
//! an app page shows every group of facts with its source and date.

use crate::common;

use app::domain::{App, AppFacts, CatalogQuery, FactSource, LegacyFlags};
use app::ports::Catalog;
use common::mongo::MongoServer;
use common::TestApp;
use famigo::mongo::catalog::APPS;
use famigo::mongo::{Mongo, MIGRATIONS};
use mongodb::bson::{doc, Document};

/// What an app looked like in the old record: four scores and four flags.
fn legacy(app: &App) -> ([u8; 4], LegacyFlags) {
    let c = &app.facts.content;
    let p = app.privacy();
    let flags = LegacyFlags {
        ads: p.ads,
        in_app_purchases: p.in_app_purchases,
        collects_data: p.collects_data,
        open_chat: p.open_chat,
    };
    ([c.violence.score, c.scariness.score, c.language.score, c.consumerism.score], flags)
}

#[tokio::test]
async fn the_sqlite_migration_maps_the_old_flags_onto_facts_from_an_unknown_source() {
    let dir = tempfile::tempdir().unwrap();
    let pool = famigo::sqlite::open_pool(&dir.path().join("catalog.db")).await.unwrap();
    sqlx::migrate!("./migrations/sqlite").run_to(5, &pool).await.unwrap();
    let apps: Vec<App> = famigo::catalog::seed::generate(60, 8).collect();
    for app in &apps {
        let (scores, flags) = legacy(app);
        sqlx::query(
            "INSERT INTO apps (slug, name, name_key, developer, description, platforms, categories, price_cents, \
             min_age, age_band, learning_rating, violence, scariness, language, consumerism, ads, in_app_purchases, \
             collects_data, open_chat, rating_avg, rating_count, released, updated) \
             VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&app.slug)
        .bind(&app.name)
        .bind(app.name.to_lowercase())
        .bind(&app.developer)
        .bind(&app.description)
        .bind(app.price_cents as i64)
        .bind(app.min_age as i64)
        .bind(app.learning_rating as i64)
        .bind(scores[0] as i64)
        .bind(scores[1] as i64)
        .bind(scores[2] as i64)
        .bind(scores[3] as i64)
        .bind(flags.ads)
        .bind(flags.in_app_purchases)
        .bind(flags.collects_data)
        .bind(flags.open_chat)
        .bind(app.rating_avg as f64)
        .bind(app.rating_count as i64)
        .bind(app.released.to_string())
        .bind(app.updated.to_string())
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;

    let sqlite = famigo::sqlite::Sqlite::open(dir.path()).await.unwrap();
    let catalog = sqlite.catalog();
    for app in &apps {
        let (scores, flags) = legacy(app);
        let stored = catalog.get(&app.slug).await.unwrap().expect("still there");
        assert_eq!(stored.facts, AppFacts::from_legacy(scores, flags, app.price_cents), "{}", app.slug);
        assert_eq!(stored.privacy(), app.privacy(), "{}: the flags mean what they meant", app.slug);
        assert_eq!(stored.facts.sources.money.source, FactSource::Unknown);
        stored.validate().unwrap_or_else(|e| panic!("{}: {e}", app.slug));
    }
    let no_ads = catalog.list(&CatalogQuery { no_ads: true, per_page: 60, ..Default::default() }).await.unwrap();
    assert_eq!(no_ads.total as usize, apps.iter().filter(|a| !a.privacy().ads).count(), "filters read the new columns");
    let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info('apps')")
        .fetch_all(&famigo::sqlite::open_pool(&dir.path().join("catalog.db")).await.unwrap())
        .await
        .unwrap();
    assert!(!columns.iter().any(|c| c == "violence"), "the old content columns are gone: {columns:?}");
}

#[tokio::test]
async fn mongodb_migration_5_brings_documents_stored_before_the_facts_forward() {
    let Some(server) = MongoServer::start() else { return };
    let mongo = Mongo::open(&server.url, &server.database).await.expect("open");
    let apps: Vec<App> = famigo::catalog::seed::generate(30, 6).collect();
    let db = mongo.database();
    let raw = db.collection::<Document>(APPS);
    for app in &apps {
        let (scores, _) = legacy(app);
        let mut document = famigo::mongo::app_document::AppDocument::from_app(app).to_document().unwrap();
        document.remove("facts");
        document.insert(
            "content",
            doc! { "violence": scores[0] as i32, "scariness": scores[1] as i32, "language": scores[2] as i32, "consumerism": scores[3] as i32 },
        );
        raw.insert_one(document).await.unwrap();
    }
    db.collection::<Document>(MIGRATIONS).delete_one(doc! { "_id": 5 }).await.unwrap();
    let migrated = mongo.migrate().await.unwrap();
    assert_eq!(migrated.applied, ["app facts"]);
    let catalog = mongo.catalog();
    for app in &apps {
        let (scores, flags) = legacy(app);
        let stored = catalog.get(&app.slug).await.unwrap().expect("still there");
        assert_eq!(stored.facts, AppFacts::from_legacy(scores, flags, app.price_cents), "{}", app.slug);
        let document = raw.find_one(doc! { "slug": &app.slug }).await.unwrap().unwrap();
        assert!(!document.contains_key("content"), "the old scores moved into facts");
    }
}

#[tokio::test]
async fn exports_name_their_format_and_old_exports_still_import() {
    let source = TestApp::seeded(40).await;
    let mut out = Vec::new();
    let written = famigo::catalog::transfer::export(&*source.catalog, &mut out).await.unwrap();
    assert_eq!(written, 40);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().next(), Some(famigo::jobs::catalog_json::header().as_str()));

    let dir = tempfile::tempdir().unwrap();
    let current = dir.path().join("current.jsonl");
    std::fs::write(&current, &text).unwrap();
    let target = TestApp::seeded(0).await;
    let report = famigo::catalog::transfer::import(&*target.catalog, current.to_str().unwrap()).await.unwrap();
    assert_eq!((report.rows, report.imported, report.error_count), (40, 40, 0), "{:?}", report.errors);
    for app in source.catalog.scan(None, 100).await.unwrap() {
        assert_eq!(target.catalog.get(&app.slug).await.unwrap().as_ref(), Some(&app), "moved whole");
    }

    // An export of the old record: no header, scores in `content`, flags in `privacy`.
    let first = source.catalog.scan(None, 1).await.unwrap().remove(0);
    let (scores, flags) = legacy(&first);
    let mut old = serde_json::to_value(&first).unwrap();
    let object = old.as_object_mut().unwrap();
    object.remove("facts");
    object.remove("max_age");
    object.insert("slug".into(), "an-old-export".into());
    object.insert(
        "content".into(),
        serde_json::json!({ "violence": scores[0], "scariness": scores[1], "language": scores[2], "consumerism": scores[3] }),
    );
    object.insert("privacy".into(), serde_json::to_value(flags).unwrap());
    let old_file = dir.path().join("old.jsonl");
    std::fs::write(&old_file, format!("{old}\n")).unwrap();
    let report = famigo::catalog::transfer::import(&*target.catalog, old_file.to_str().unwrap()).await.unwrap();
    assert_eq!((report.imported, report.error_count), (1, 0), "{:?}", report.errors);
    let imported = target.catalog.get("an-old-export").await.unwrap().unwrap();
    assert_eq!(imported.privacy(), first.privacy());
    assert_eq!(imported.facts.sources.privacy.source, FactSource::Unknown);

    let future = dir.path().join("future.jsonl");
    std::fs::write(&future, "{\"famigo_catalog_format\":7}\n").unwrap();
    let refused = famigo::catalog::transfer::import(&*target.catalog, future.to_str().unwrap()).await;
    assert!(refused.is_err_and(|e| e.to_string().contains("format 7")), "a newer format is refused by name");
}

#[tokio::test]
async fn an_app_page_shows_each_group_of_facts_with_its_source_and_date() {
    let site = TestApp::seeded(300).await;
    let apps = site.catalog.scan(None, 300).await.unwrap();
    let app = apps
        .iter()
        .find(|a| a.facts.review.is_some() && !a.facts.conflicts.is_empty())
        .or_else(|| apps.iter().find(|a| a.facts.review.is_some()))
        .expect("a reviewed app")
        .clone();
    let page = site.get(&format!("/apps/{}", app.slug)).await;
    assert_eq!(page.status, 200);
    let body = page.body.replace("&#39;", "'");
    for kind in app::domain::ContentKind::ALL {
        assert!(body.contains(&kind.label().replace('&', "&amp;")), "content row {kind:?}");
    }
    assert!(body.contains(&app.money_line().replace('&', "&amp;")), "the money line");
    for group in ["content", "interaction", "privacy", "money"] {
        assert!(body.contains(&format!("data-group=\"{group}\"")), "{group} box");
    }
    let privacy = app.facts.sources.privacy;
    let expected = match (privacy.source, privacy.checked) {
        (FactSource::Unknown, _) => "Source unknown · not checked yet".to_string(),
        (source, Some(day)) => format!("Source: {} · checked {}", source.label(), day.format("%B %-d, %Y")),
        (source, None) => format!("Source: {} · not checked yet", source.label()),
    };
    assert!(body.contains(&expected), "privacy source line {expected:?}");
    let review = app.facts.review.as_ref().unwrap();
    assert!(body.contains(&format!("Is it any good? {} / 5", review.verdict)), "our verdict, apart from stars");
    for point in &review.need_to_know {
        assert!(body.contains(&point.replace('&', "&amp;")), "point {point:?}");
    }
    if let Some(conflict) = app.facts.conflicts.first() {
        assert!(body.contains("Sources disagree") && body.contains(&conflict.says), "the disagreement is shown");
    }
    assert!(body.contains("No changes recorded"), "a seeded app has no history yet");
    assert!(body.contains("\"contentRating\""), "JSON-LD");
}
