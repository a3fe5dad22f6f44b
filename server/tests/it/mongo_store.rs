//! The MongoDB store beyond the catalog contract (`catalog_conformance.rs` runs that): its
//! migrations and indexes, failing fast and recovering, the site served from it, and the
//! `migrate` / `export` / `import` commands moving a catalog between stores.
//! Against `MONGODB_URL` when set, else the nx-27017 stand-in (see `common/mongo.rs`).

use crate::common;

use app::ports::{Catalog, StoreError};
use common::mongo::MongoServer;
use common::TestApp;
use famigo::mongo::catalog::{indexes, APPS};
use famigo::mongo::{Mongo, MIGRATIONS};
use mongodb::bson::{doc, Document};
use std::collections::HashSet;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

fn key_names(keys: &Document) -> Vec<String> {
    keys.keys().cloned().collect()
}

#[tokio::test]
async fn migrations_run_once_and_create_the_declared_indexes() {
    let Some(server) = MongoServer::start() else { return };
    // Two nodes starting at once on an empty database: both must come up.
    let (a, b) = tokio::join!(Mongo::open(&server.url, &server.database), Mongo::open(&server.url, &server.database));
    let (mongo, _other) = (a.expect("first node"), b.expect("second node"));
    let again = mongo.migrate().await.unwrap();
    assert_eq!((again.version, again.applied.len()), (6, 0), "already applied: {again:?}");

    let db = mongo.database();
    let recorded = db.collection::<Document>(MIGRATIONS).count_documents(doc! {}).await.unwrap();
    assert_eq!(recorded, 6, "one record per migration");
    let mut listed = Vec::new();
    let mut cursor = db.collection::<Document>(APPS).list_indexes().await.unwrap();
    while cursor.advance().await.unwrap() {
        listed.push(key_names(&cursor.deserialize_current().unwrap().keys));
    }
    for model in indexes() {
        assert!(listed.contains(&key_names(&model.keys)), "index {:?} missing from {listed:?}", model.keys);
    }
    assert!(
        !listed.iter().any(|keys| keys.contains(&"rating_avg".to_string())),
        "the orders by plain average are dropped: {listed:?}"
    );

    // The unique slug is MongoDB's rule, not only the adapter's.
    let raw = db.collection::<Document>(APPS);
    raw.insert_one(doc! { "slug": "twice" }).await.unwrap();
    let err =
        raw.insert_one(doc! { "slug": "twice" }).await.expect_err("a second document with the slug must be refused");
    assert!(err.to_string().contains("11000") || err.to_string().to_lowercase().contains("duplicate"), "{err}");

    // So is the unique email of an account.
    let users = db.collection::<Document>(famigo::mongo::accounts::USERS);
    users.insert_one(doc! { "_id": "a", "email": "same@example.com" }).await.unwrap();
    let err = users
        .insert_one(doc! { "_id": "b", "email": "same@example.com" })
        .await
        .expect_err("a second account with the email must be refused");
    assert!(err.to_string().contains("11000") || err.to_string().to_lowercase().contains("duplicate"), "{err}");
}

/// Apps stored before `rating_score` existed get it from migration 4, and sort by it.
#[tokio::test]
async fn the_rating_score_migration_fills_in_apps_stored_before_it() {
    use app::ports::Catalog;
    let Some(server) = MongoServer::start() else { return };
    let mongo = Mongo::open(&server.url, &server.database).await.expect("open");
    let catalog = mongo.catalog();
    let apps: Vec<app::domain::App> = famigo::catalog::seed::generate(30, 5).collect();
    catalog.upsert_many(&apps).await.unwrap();
    let db = mongo.database();
    let raw = db.collection::<Document>(APPS);
    raw.update_many(doc! {}, doc! { "$unset": { "rating_score": "" } }).await.unwrap();
    db.collection::<Document>(MIGRATIONS).delete_one(doc! { "_id": 4 }).await.unwrap();

    let migrated = mongo.migrate().await.unwrap();
    assert_eq!(migrated.applied, ["rating score"]);
    for app in &apps {
        let stored = raw.find_one(doc! { "slug": &app.slug }).await.unwrap().expect("stored");
        // Within 1e-12: the stand-in (nx-27017) keeps 15 digits of a double written by `$set`.
        let stored = stored.get_f64("rating_score").unwrap();
        assert!((stored - app.rating_score()).abs() < 1e-12, "{}: {stored} for {}", app.slug, app.rating_score());
    }
    let top = catalog.list(&app::domain::CatalogQuery { per_page: 30, ..Default::default() }).await.unwrap();
    let mut expected = apps.clone();
    expected.sort_by(|a, b| common::reference_order(app::domain::SortOrder::TopRated, a, b));
    assert_eq!(
        top.apps.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(),
        expected.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>()
    );
}

/// Apps stored before `learning_key` existed get it from migration 6, and "best for learning"
/// sorts by it (the learning rating, then the number of subjects).
#[tokio::test]
async fn the_learning_key_migration_fills_in_apps_stored_before_it() {
    use app::domain::{CatalogQuery, SortOrder};
    use app::ports::Catalog;
    let Some(server) = MongoServer::start() else { return };
    let mongo = Mongo::open(&server.url, &server.database).await.expect("open");
    let catalog = mongo.catalog();
    let apps: Vec<app::domain::App> = famigo::catalog::seed::generate(40, 6).collect();
    catalog.upsert_many(&apps).await.unwrap();
    let db = mongo.database();
    let raw = db.collection::<Document>(APPS);
    raw.update_many(doc! {}, doc! { "$unset": { "learning_key": "" } }).await.unwrap();
    db.collection::<Document>(MIGRATIONS).delete_one(doc! { "_id": 6 }).await.unwrap();

    let migrated = mongo.migrate().await.unwrap();
    assert_eq!(migrated.applied, ["learning key"]);
    for app in &apps {
        let stored = raw.find_one(doc! { "slug": &app.slug }).await.unwrap().expect("stored");
        assert_eq!(stored.get_i32("learning_key").unwrap(), i32::from(app.learning_key()), "{}", app.slug);
    }
    let query = CatalogQuery { sort: SortOrder::Learning, per_page: 40, ..Default::default() };
    let listed = catalog.list(&query).await.unwrap();
    let mut expected = apps.clone();
    expected.sort_by(|a, b| common::reference_order(SortOrder::Learning, a, b));
    assert_eq!(
        listed.apps.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(),
        expected.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>()
    );
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn unreachable_server_fails_fast_naming_the_host_but_not_the_password() {
    let port = closed_port();
    let url = format!("mongodb://famigo:pa55-w0rd@127.0.0.1:{port}/?serverSelectionTimeoutMS=800");
    let started = Instant::now();
    let err = famigo::mongo::Mongo::open(&url, "famigo").await.err().expect("no server there");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    let text = err.to_string();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(!text.contains("pa55-w0rd"), "{text}");

    let data = TempDir::new().unwrap();
    let out = common::famigo_command(&data, "warn").env("MONGODB_URL", &url).arg("serve").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let last = stderr.trim_end().lines().last().unwrap_or_default();
    assert!(
        last.contains(&format!("127.0.0.1:{port}")) && last.starts_with("famigo: cannot open the catalog"),
        "{stderr}"
    );
    assert!(!stderr.contains("pa55-w0rd"), "{stderr}");
}

#[tokio::test]
async fn the_site_runs_on_mongodb_and_survives_losing_it() {
    let Some(mut server) = MongoServer::start() else { return };
    let url = format!("{}?serverSelectionTimeoutMS=1000", server.url);
    let store: Arc<dyn Catalog> = Arc::new(famigo::mongo::Mongo::open(&url, &server.database).await.unwrap().catalog());
    let app = TestApp::on_store(store.clone(), 120).await;
    let slugs: Vec<String> = store.scan(None, 120).await.unwrap().into_iter().map(|a| a.slug).collect();
    assert_eq!(slugs.len(), 120);

    for uri in ["/", "/apps?age=5-7&sort=new", &format!("/apps/{}", slugs[0]), "/search?q=math"] {
        assert_eq!(app.get(uri).await.status, 200, "{uri}");
    }
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, 200);
    assert!(ready.body.contains("mongodb"), "{}", ready.body);

    if !server.can_restart() {
        return common::skip(
            "mongodb-stand-in",
            "losing MongoDB needs the nx-27017 stand-in (a configured MongoDB is not ours to stop)",
        )
        .unwrap_or(());
    }
    server.stop();
    let started = Instant::now();
    let page = app.get(&format!("/apps/{}", slugs[1])).await;
    assert_eq!(page.status, 503, "{}", page.body);
    assert!(page.body.contains("<html") || page.body.contains("<!DOCTYPE"), "a page, not a bare error");
    assert!(started.elapsed() < Duration::from_secs(8), "the request hung for {:?}", started.elapsed());
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, 503);
    assert!(ready.body.contains("\"store\""), "{}", ready.body);

    assert!(server.restart(), "nx-27017 restarts on its port");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let page = app.get(&format!("/apps/{}", slugs[1])).await;
        if page.status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "still {} after MongoDB came back", page.status);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.get("/readyz").await.status, 200);
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{cmd:?} failed: {stderr}");
    stderr
}

#[test]
fn export_and_import_move_a_catalog_between_stores_without_loss() {
    let Some(server) = MongoServer::start() else { return };
    let files = TempDir::new().unwrap();
    let (a, b, c) = (files.path().join("a.jsonl"), files.path().join("b.jsonl"), files.path().join("c.jsonl"));
    let mongo = |data: &TempDir| {
        let mut cmd = common::famigo_command(data, "warn");
        cmd.env("MONGODB_URL", &server.url).env("MONGODB_DB", &server.database);
        cmd
    };

    let sqlite_data = TempDir::new().unwrap();
    run_ok(common::famigo_command(&sqlite_data, "warn").args(["seed", "--apps", "300", "--seed", "5"]));
    run_ok(common::famigo_command(&sqlite_data, "warn").arg("export").arg("--out").arg(&a));

    let mongo_data = TempDir::new().unwrap();
    let imported = run_ok(mongo(&mongo_data).arg("import").arg(&a));
    assert!(imported.contains("imported 300 of 300 apps into mongodb at"), "{imported}");
    run_ok(mongo(&mongo_data).arg("export").arg("--out").arg(&b));
    let exported = std::fs::read_to_string(&a).unwrap();
    assert_eq!(exported.lines().count(), 301, "a format line and 300 apps");
    assert!(std::fs::read_to_string(&b).unwrap() == exported, "SQLite → MongoDB changed the data");

    let back = TempDir::new().unwrap();
    run_ok(common::famigo_command(&back, "warn").arg("import").arg(&b));
    run_ok(common::famigo_command(&back, "warn").arg("export").arg("--out").arg(&c));
    assert!(std::fs::read_to_string(&c).unwrap() == exported, "MongoDB → SQLite changed the data");

    let migrated = mongo(&mongo_data).arg("migrate").output().unwrap();
    let said = String::from_utf8_lossy(&migrated.stdout);
    assert!(migrated.status.success() && said.contains("schema at version 6 (nothing to apply)"), "{said}");
    assert!(said.contains(&format!("/{}", server.database)) && !said.contains("mongodb://"), "{said}");

    // Three bad lines among new apps: each is named, the good ones land, nothing else changes.
    let mut lines: Vec<String> =
        famigo::catalog::seed::generate(20, 77).map(|app| serde_json::to_string(&app).unwrap()).collect();
    lines[3] = "{not json".into();
    lines[8] = lines[8].replace("\"min_age\":", "\"min_age\":40,\"was\":");
    lines[12] = lines[12].replace("\"name\":", "\"nom\":");
    let bad_file = files.path().join("bad.jsonl");
    std::fs::write(&bad_file, lines.join("\n") + "\n").unwrap();
    let out = mongo(&mongo_data).arg("import").arg(&bad_file).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for named in ["line 4: json:", "line 9: min_age:", "line 13: name:", "imported 17 of 20 apps"] {
        assert!(stderr.contains(named), "{named:?} in {stderr}");
    }
    run_ok(mongo(&mongo_data).arg("export").arg("--out").arg(&b));
    let slugs_in = |text: &str| -> HashSet<String> {
        let apps = text.lines().filter(|line| !famigo::jobs::catalog_json::is_header(line));
        apps.map(|line| serde_json::from_str::<app::domain::App>(line).unwrap().slug).collect()
    };
    let good: HashSet<String> = famigo::catalog::seed::generate(20, 77)
        .enumerate()
        .filter(|(i, _)| ![3, 8, 12].contains(i))
        .map(|(_, app)| app.slug)
        .collect();
    let mut want = slugs_in(&exported);
    want.extend(good);
    assert_eq!(slugs_in(&std::fs::read_to_string(&b).unwrap()), want);
}
