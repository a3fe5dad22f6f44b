//! The catalog's fact history in MongoDB: `app_fact_changes`, one document per changed fact.
//!
//! Without a multi-document transaction (which needs a replica set), a write records the
//! changes first and then the apps. Each change has an `_id` made of what it says (app, fact,
//! from, to, day), so a write retried after a failure records it once; a write that fails
//! for good after its changes went in leaves a change that did not happen, which the next
//! successful write of the same fact corrects with its own entry.

use super::{timed, READ_TIMEOUT, WRITE_TIMEOUT};
use app::domain::{App, FactChange, FactSource};
use app::ports::{BackendError, StoreError};
use futures::TryStreamExt;
use mongodb::bson::{doc, Bson, Document};
use mongodb::{Collection, Database};

pub const FACT_CHANGES: &str = "app_fact_changes";

fn change_document(slug: &str, change: &FactChange, at: i64) -> Document {
    let id = format!("{slug}|{}|{}|{}|{}", change.fact, change.from, change.to, change.on);
    doc! {
        "_id": id,
        "slug": slug,
        "fact": &change.fact,
        "label": &change.label,
        "from": &change.from,
        "to": &change.to,
        "on": change.on.to_string(),
        "source": change.source.slug(),
        // Microseconds since 1970: the order of the history (newest first).
        "at": at,
    }
}

/// Records how each of `apps` differs from its stored version in `before`.
pub(super) async fn record(db: &Database, before: &[App], apps: &[App]) -> Result<(), StoreError> {
    let now = chrono::Utc::now();
    let (today, at) = (now.date_naive(), now.timestamp_micros());
    let replaced: std::collections::HashMap<&str, &App> = before.iter().map(|a| (a.slug.as_str(), a)).collect();
    let changes: Vec<Document> = apps
        .iter()
        .filter_map(|app| Some((app, *replaced.get(app.slug.as_str())?)))
        .flat_map(|(app, old)| {
            app.fact_changes_since(old, today)
                .into_iter()
                .map(|change| change_document(&app.slug, &change, at))
                .collect::<Vec<_>>()
        })
        .collect();
    if changes.is_empty() {
        return Ok(());
    }
    let collection: Collection<Document> = db.collection(FACT_CHANGES);
    for change in changes {
        let filter = doc! { "_id": change.get("_id").cloned().unwrap_or(Bson::Null) };
        timed(WRITE_TIMEOUT, collection.update_one(filter, doc! { "$setOnInsert": change }).upsert(true)).await?;
    }
    Ok(())
}

pub(super) async fn read(db: &Database, slug: &str) -> Result<Vec<FactChange>, StoreError> {
    let collection: Collection<Document> = db.collection(FACT_CHANGES);
    let find = collection.find(doc! { "slug": slug }).sort(doc! { "at": -1, "fact": 1 });
    let found: Vec<Document> = timed(READ_TIMEOUT, async { find.await?.try_collect().await }).await?;
    found.iter().map(|d| change_from_document(slug, d)).collect()
}

fn change_from_document(slug: &str, d: &Document) -> Result<FactChange, StoreError> {
    let text = |key: &str| {
        d.get_str(key).map(String::from).map_err(|_| {
            StoreError::Backend(BackendError::other(format!("app {slug:?}: fact change without {key} in store")))
        })
    };
    let on = text("on")?;
    Ok(FactChange {
        fact: text("fact")?,
        label: text("label")?,
        from: text("from")?,
        to: text("to")?,
        on: on.parse().map_err(|_| {
            StoreError::Backend(BackendError::other(format!("app {slug:?}: bad change date {on:?} in store")))
        })?,
        source: FactSource::from_slug(d.get_str("source").unwrap_or("unknown")).unwrap_or_default(),
    })
}

pub(super) async fn forget(db: &Database, slug: &str) -> Result<(), StoreError> {
    let collection: Collection<Document> = db.collection(FACT_CHANGES);
    timed(WRITE_TIMEOUT, collection.delete_many(doc! { "slug": slug })).await?;
    Ok(())
}
