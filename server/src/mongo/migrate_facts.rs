//! Migration 5: the richer app record. Apps stored before it get the facts their old content
//! scores and flags meant (and the `filters` worked out from them), and the fact history gets
//! its index.

use super::app_document::FactFilters;
use super::catalog::APPS;
use super::fact_history::FACT_CHANGES;
use super::{timed, READ_TIMEOUT, WRITE_TIMEOUT};
use app::domain::{AppFacts, LegacyFlags};
use app::ports::{BackendError, StoreError};
use futures::TryStreamExt;
use mongodb::bson::{doc, Bson, Document};
use mongodb::{Collection, Database, IndexModel};

/// Migration 5: every app stored without `facts` gets the facts its old `content` scores and
/// `privacy` flags meant (`AppFacts::from_legacy`), then loses `content`; and the history's
/// index. A page at a time; two processes doing it at once write the same values.
pub(super) async fn bring_facts_forward(db: &Database) -> Result<(), StoreError> {
    let raw: Collection<Document> = db.collection(APPS);
    loop {
        let find = raw
            .find(doc! { "facts": { "$exists": false } })
            .projection(doc! { "content": 1, "privacy": 1, "price_cents": 1 })
            .limit(500);
        let page: Vec<Document> = timed(READ_TIMEOUT, async { find.await?.try_collect().await }).await?;
        if page.is_empty() {
            break;
        }
        for app in page {
            let number = |d: Option<&Document>, key: &str| {
                d.and_then(|d| d.get(key)).and_then(|v| v.as_i64().or_else(|| v.as_i32().map(i64::from))).unwrap_or(0)
            };
            let flag = |key: &str| app.get_document("privacy").ok().and_then(|p| p.get_bool(key).ok()).unwrap_or(false);
            let content = app.get_document("content").ok();
            let scores =
                ["violence", "scariness", "language", "consumerism"].map(|k| number(content, k).clamp(0, 5) as u8);
            let flags = LegacyFlags {
                ads: flag("ads"),
                in_app_purchases: flag("in_app_purchases"),
                collects_data: flag("collects_data"),
                open_chat: flag("open_chat"),
            };
            let price = number(Some(&app), "price_cents").max(0) as u32;
            let facts = AppFacts::from_legacy(scores, flags, price);
            let encode = |value: Result<Bson, mongodb::bson::ser::Error>| {
                value.map_err(|e| StoreError::Backend(BackendError::other(format!("cannot encode facts: {e}"))))
            };
            let filters = encode(mongodb::bson::to_bson(&FactFilters::of(&facts)))?;
            let facts = encode(mongodb::bson::to_bson(&facts))?;
            let id = app.get("_id").cloned().unwrap_or(Bson::Null);
            let update = doc! { "$set": { "facts": facts, "filters": filters }, "$unset": { "content": "" } };
            timed(WRITE_TIMEOUT, raw.update_one(doc! { "_id": id }, update)).await?;
        }
    }
    let changes: Collection<Document> = db.collection(FACT_CHANGES);
    let by_app = IndexModel::builder().keys(doc! { "slug": 1, "at": -1 }).build();
    timed(WRITE_TIMEOUT, changes.create_index(by_app)).await?;
    Ok(())
}
