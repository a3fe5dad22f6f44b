//! The production catalog: MongoDB through the official driver.
//!
//! One collection, `apps`, of typed `AppDocument`s (see `app_document.rs`). `_id` is an ObjectId
//! MongoDB assigns on insert and never changes; the slug, the app's identity on the site, is a
//! field with a unique index: every lookup, upsert and delete goes by slug, and the slug is the
//! final tiebreak of every sort order and of the indexes that serve them. (A slug may then be
//! renamed one day without the document losing its identity.) Indexes are declared below and
//! created by the migration runner when the store opens (`famigo migrate` runs it alone).
//!
//! Writes go as one `update` command per batch (replace-with-upsert statements, ordered):
//! one round trip for a batch, on every MongoDB version. Apps are validated before anything is
//! sent, and a replace writes a whole document, so no app is ever half-written.

use super::app_document::AppDocument;
use super::{db_err, timed, READ_TIMEOUT, WRITE_TIMEOUT};
use app::domain::{
    Accessibility, AgeBand, App, AppPage, CatalogQuery, Category, ChatLimit, Facet, FacetCounts, FactChange, Language,
    Platform, PriceFilter, SafetyCheck, SortOrder, Subject,
};
use app::ports::{BackendError, Catalog, StoreError};
use async_trait::async_trait;
use futures::TryStreamExt;
use mongodb::bson::{doc, Bson, Document};
use mongodb::options::IndexOptions;
use mongodb::{Collection, Database, IndexModel};
use std::time::Duration;

pub const APPS: &str = "apps";

/// Statements per `update` command (MongoDB accepts 100,000; a smaller batch keeps each
/// command well under the 16 MB message limit with 5 KB descriptions).
const WRITE_BATCH: usize = 1_000;

pub struct MongoCatalog {
    db: Database,
    apps: Collection<AppDocument>,
}

impl MongoCatalog {
    /// The catalog in `db` (the schema is `Mongo::migrate`'s).
    pub fn new(db: &Database) -> MongoCatalog {
        MongoCatalog { db: db.clone(), apps: db.collection(APPS) }
    }

    /// The page of apps matching `filter` in `sort` order, with the total and facet counts.
    async fn list_matching(&self, query: &CatalogQuery, words: &[String]) -> Result<AppPage, StoreError> {
        let filter = filter_document(query, words, None);
        let find =
            self.apps.find(filter).sort(sort_document(query.sort)).skip(query.offset()).limit(query.per_page as i64);
        let (page, (total, facets)) = tokio::try_join!(
            async {
                Ok::<_, StoreError>(
                    timed(READ_TIMEOUT, async { find.await?.try_collect::<Vec<AppDocument>>().await }).await?,
                )
            },
            self.counts(query, words),
        )?;
        let apps = page.into_iter().map(AppDocument::into_app).collect::<Result<Vec<_>, _>>()?;
        Ok(AppPage { apps, total, page: query.page, per_page: query.per_page, facets })
    }

    /// Total and facet counts in one aggregation: a `$facet` stage with one branch for the
    /// full filter (the total and every facet the query leaves open) and one per constrained
    /// facet (its own filter left out, so each value's count is what choosing it would give).
    async fn counts(&self, query: &CatalogQuery, words: &[String]) -> Result<(u64, FacetCounts), StoreError> {
        let open: Vec<Facet> = Facet::ALL.iter().copied().filter(|&f| !query.constrains(f)).collect();
        let mut branches: Vec<(Option<Facet>, Vec<Facet>)> = vec![(None, open)];
        branches.extend(
            Facet::ALL
                .iter()
                .copied()
                .filter(|&f| query.constrains(f) && f != Facet::Learning)
                .map(|f| (Some(f), vec![f])),
        );
        let mut facet_stage = Document::new();
        for (i, (except, facets)) in branches.iter().enumerate() {
            let mut group = doc! { "_id": Bson::Null, "total": { "$sum": 1 } };
            for &facet in facets {
                for (j, condition) in value_conditions(facet).into_iter().enumerate() {
                    group.insert(format!("{}_{j}", facet_key(facet)), doc! { "$sum": { "$cond": [condition, 1, 0] } });
                }
            }
            let branch = vec![doc! { "$match": filter_document(query, words, *except) }, doc! { "$group": group }];
            facet_stage.insert(format!("b{i}"), branch);
        }
        let pipeline = vec![doc! { "$facet": facet_stage }];
        let results: Vec<Document> =
            timed(READ_TIMEOUT, async { self.apps.aggregate(pipeline).await?.try_collect().await }).await?;
        let result = results.into_iter().next().unwrap_or_default();
        let mut counts = FacetCounts::zeroed();
        let mut total = 0;
        for (i, (except, facets)) in branches.iter().enumerate() {
            // A branch no app matches has no group document: every count is 0.
            let group = result.get_array(format!("b{i}")).ok().and_then(|a| a.first()).and_then(Bson::as_document);
            let number = |key: &str| group.and_then(|g| g.get(key)).and_then(as_count).unwrap_or(0);
            if except.is_none() {
                total = number("total");
            }
            for &facet in facets {
                let values: Vec<u64> =
                    (0..value_conditions(facet).len()).map(|j| number(&format!("{}_{j}", facet_key(facet)))).collect();
                counts.set(facet, &values);
            }
        }
        Ok((total, counts))
    }
}

/// Migration 1: the indexes the catalog shipped with.
pub(super) async fn create_first_indexes(db: &Database) -> Result<(), StoreError> {
    let apps: Collection<AppDocument> = db.collection(APPS);
    timed(WRITE_TIMEOUT, apps.create_indexes(first_indexes())).await.map(|_| ()).map_err(Into::into)
}

/// Migration 4: `rating_score` on every app stored without one (a page at a time; two
/// processes doing it at once write the same values), then the orders by it in place of
/// those by average.
pub(super) async fn add_rating_scores(db: &Database) -> Result<(), StoreError> {
    let apps: Collection<AppDocument> = db.collection(APPS);
    let raw: Collection<Document> = db.collection(APPS);
    loop {
        let find = raw
            .find(doc! { "rating_score": { "$exists": false } })
            .projection(doc! { "rating_avg": 1, "rating_count": 1 })
            .limit(500);
        let page: Vec<Document> = timed(READ_TIMEOUT, async { find.await?.try_collect().await }).await?;
        if page.is_empty() {
            break;
        }
        for app in page {
            let average = app.get("rating_avg").and_then(Bson::as_f64).unwrap_or(0.0) as f32;
            let count =
                app.get("rating_count").and_then(|c| c.as_i64().or_else(|| c.as_i32().map(i64::from))).unwrap_or(0);
            let score = app::domain::rating_score(average, u32::try_from(count).unwrap_or(0));
            let id = app.get("_id").cloned().unwrap_or(Bson::Null);
            timed(WRITE_TIMEOUT, raw.update_one(doc! { "_id": id }, doc! { "$set": { "rating_score": score } }))
                .await?;
        }
    }
    timed(WRITE_TIMEOUT, apps.create_indexes(score_indexes())).await?;
    let listed: Vec<IndexModel> = timed(READ_TIMEOUT, async { apps.list_indexes().await?.try_collect().await }).await?;
    for index in listed.into_iter().filter(|index| sorts_by_average(&index.keys)) {
        let Some(name) = index.options.and_then(|options| options.name) else { continue };
        // Gone already when another process got here first.
        if let Err(e) = timed(WRITE_TIMEOUT, apps.drop_index(name.as_str())).await {
            tracing::info!("index {name} not dropped: {}", app::ports::Causes(&e));
        }
    }
    Ok(())
}

/// The indexes of `apps` now (what migrations 1 and 4 leave): the unique slug; one per listing
/// order (alone and after the age filter, the site's main filter); and the similar-apps lookup
/// (category, then youngest age).
pub fn indexes() -> Vec<IndexModel> {
    first_indexes()
        .into_iter()
        .chain(score_indexes())
        .filter(|index| !sorts_by_average(&index.keys) && !sorts_by_learning_rating(&index.keys))
        .chain(learning_indexes())
        .collect()
}

/// Migration 6: `learning_key` on every app stored without one (a page at a time, as
/// migration 4), then the "best for learning" order by it in place of migration 4's.
pub(super) async fn add_learning_keys(db: &Database) -> Result<(), StoreError> {
    let apps: Collection<AppDocument> = db.collection(APPS);
    let raw: Collection<Document> = db.collection(APPS);
    loop {
        let find = raw
            .find(doc! { "learning_key": { "$exists": false } })
            .projection(doc! { "learning_rating": 1, "facts": 1 })
            .limit(500);
        let page: Vec<Document> = timed(READ_TIMEOUT, async { find.await?.try_collect().await }).await?;
        if page.is_empty() {
            break;
        }
        for app in page {
            let rating = app.get("learning_rating").and_then(as_count).unwrap_or(0).min(u8::MAX as u64) as u8;
            let subjects = app
                .get_document("facts")
                .and_then(|f| f.get_document("learning"))
                .and_then(|l| l.get_array("subjects"))
                .map_or(0, |s| s.len());
            let key = i32::from(app::domain::learning_key(rating, subjects));
            let id = app.get("_id").cloned().unwrap_or(Bson::Null);
            timed(WRITE_TIMEOUT, raw.update_one(doc! { "_id": id }, doc! { "$set": { "learning_key": key } })).await?;
        }
    }
    timed(WRITE_TIMEOUT, apps.create_indexes(learning_indexes())).await?;
    let listed: Vec<IndexModel> = timed(READ_TIMEOUT, async { apps.list_indexes().await?.try_collect().await }).await?;
    for index in listed.into_iter().filter(|index| sorts_by_learning_rating(&index.keys)) {
        let Some(name) = index.options.and_then(|options| options.name) else { continue };
        if let Err(e) = timed(WRITE_TIMEOUT, apps.drop_index(name.as_str())).await {
            tracing::info!("index {name} not dropped: {}", app::ports::Causes(&e));
        }
    }
    Ok(())
}

fn learning_indexes() -> Vec<IndexModel> {
    vec![IndexModel::builder().keys(doc! { "learning_key": -1, "rating_score": -1, "slug": 1 }).build()]
}

/// An index of migration 4 that migration 6 replaces.
fn sorts_by_learning_rating(keys: &Document) -> bool {
    keys.keys().next().is_some_and(|k| k == "learning_rating")
}

/// Migration 1 as it shipped: the orders then sorted by the plain average.
fn first_indexes() -> Vec<IndexModel> {
    let index = |keys: Document| IndexModel::builder().keys(keys).build();
    let unique = IndexOptions::builder().unique(true).build();
    vec![
        IndexModel::builder().keys(doc! { "slug": 1 }).options(unique).build(),
        index(doc! { "rating_avg": -1, "rating_count": -1, "slug": 1 }),
        index(doc! { "released": -1, "slug": 1 }),
        index(doc! { "name_key": 1, "slug": 1 }),
        index(doc! { "learning_rating": -1, "rating_avg": -1, "slug": 1 }),
        index(doc! { "age_band": 1, "rating_avg": -1, "rating_count": -1, "slug": 1 }),
        index(doc! { "age_band": 1, "released": -1, "slug": 1 }),
        index(doc! { "categories": 1, "min_age": 1 }),
    ]
}

/// The orders that sort by `rating_score` (migration 4), replacing migration 1's by average.
fn score_indexes() -> Vec<IndexModel> {
    let index = |keys: Document| IndexModel::builder().keys(keys).build();
    vec![
        index(doc! { "rating_score": -1, "rating_count": -1, "slug": 1 }),
        index(doc! { "learning_rating": -1, "rating_score": -1, "slug": 1 }),
        index(doc! { "age_band": 1, "rating_score": -1, "rating_count": -1, "slug": 1 }),
    ]
}

/// An index of migration 1 that migration 4 replaces.
fn sorts_by_average(keys: &Document) -> bool {
    keys.contains_key("rating_avg")
}

fn as_count(value: &Bson) -> Option<u64> {
    match value {
        Bson::Int32(n) => Some(*n as u64),
        Bson::Int64(n) => Some(*n as u64),
        Bson::Double(n) => Some(*n as u64),
        _ => None,
    }
}

fn facet_key(facet: Facet) -> &'static str {
    match facet {
        Facet::Age => "age",
        Facet::Platform => "platform",
        Facet::Category => "category",
        Facet::Price => "price",
        Facet::NoAds => "no_ads",
        Facet::NoInAppPurchases => "no_iap",
        Facet::NoDataCollection => "no_data",
        Facet::Learning => "learning",
        Facet::Chat => "chat",
        Facet::Language => "language",
        Facet::Accessibility => "a11y",
        Facet::Subject => "subject",
        check => check.safety_check().map_or("check", SafetyCheck::slug),
    }
}

/// Where `FactFilters` keeps the chat, as the condition `limit` allows.
fn chat_filter(limit: ChatLimit) -> Document {
    match limit {
        ChatLimit::None => doc! { "filters.chat": "none" },
        ChatLimit::Moderated => doc! { "filters.chat": { "$ne": "open" } },
    }
}

/// An aggregation expression per value of `facet`, in `FacetCounts::zeroed` order, true for
/// the apps that value would keep.
fn value_conditions(facet: Facet) -> Vec<Document> {
    match facet {
        Facet::Age => AgeBand::ALL.iter().map(|b| doc! { "$eq": ["$age_band", b.slug()] }).collect(),
        Facet::Platform => Platform::ALL.iter().map(|p| doc! { "$in": [p.slug(), "$platforms"] }).collect(),
        Facet::Category => Category::ALL.iter().map(|c| doc! { "$in": [c.slug(), "$categories"] }).collect(),
        Facet::Price => vec![doc! { "$eq": ["$price_cents", 0] }, doc! { "$gt": ["$price_cents", 0] }],
        Facet::NoAds => vec![doc! { "$eq": ["$privacy.ads", false] }],
        Facet::NoInAppPurchases => vec![doc! { "$eq": ["$privacy.in_app_purchases", false] }],
        Facet::NoDataCollection => vec![doc! { "$eq": ["$privacy.collects_data", false] }],
        Facet::Learning => vec![],
        Facet::Chat => vec![doc! { "$eq": ["$filters.chat", "none"] }, doc! { "$ne": ["$filters.chat", "open"] }],
        Facet::Language => Language::ALL.iter().map(|l| has("$filters.languages", l.slug())).collect(),
        Facet::Accessibility => Accessibility::ALL.iter().map(|a| has("$filters.accessibility", a.slug())).collect(),
        Facet::Subject => Subject::ALL.iter().map(|s| has("$filters.subjects", s.slug())).collect(),
        check => check.safety_check().map(|c| has("$filters.checks", c.slug())).into_iter().collect(),
    }
}

/// True when the array at `path` holds `slug` (an app stored without it has none).
fn has(path: &str, slug: &str) -> Document {
    doc! { "$in": [slug, { "$ifNull": [path, []] }] }
}

/// The query filter for `query`'s filters except `except`'s, and every word in the name or
/// the description (ignoring case).
fn filter_document(query: &CatalogQuery, words: &[String], except: Option<Facet>) -> Document {
    let on = |f: Facet| except != Some(f);
    let mut all: Vec<Document> = Vec::new();
    if let (Some(band), true) = (query.age, on(Facet::Age)) {
        all.push(doc! { "age_band": band.slug() });
    }
    if let (Some(p), true) = (query.platform, on(Facet::Platform)) {
        all.push(doc! { "platforms": p.slug() });
    }
    if let (Some(c), true) = (query.category, on(Facet::Category)) {
        all.push(doc! { "categories": c.slug() });
    }
    if on(Facet::Price) {
        match query.price {
            Some(PriceFilter::Free) => all.push(doc! { "price_cents": 0 }),
            Some(PriceFilter::Paid) => all.push(doc! { "price_cents": { "$gt": 0 } }),
            None => {}
        }
        if let Some(max) = query.max_price_cents {
            all.push(doc! { "price_cents": { "$lte": max as i64 } });
        }
    }
    if query.no_ads && on(Facet::NoAds) {
        all.push(doc! { "privacy.ads": false });
    }
    if query.no_in_app_purchases && on(Facet::NoInAppPurchases) {
        all.push(doc! { "privacy.in_app_purchases": false });
    }
    if query.no_data_collection && on(Facet::NoDataCollection) {
        all.push(doc! { "privacy.collects_data": false });
    }
    if let (Some(n), true) = (query.min_learning, on(Facet::Learning)) {
        all.push(doc! { "learning_rating": { "$gte": n as i32 } });
    }
    if let (Some(limit), true) = (query.chat, on(Facet::Chat)) {
        all.push(chat_filter(limit));
    }
    for check in SafetyCheck::ALL.iter().copied().filter(|&c| query.requires(c) && on(Facet::of_check(c))) {
        all.push(doc! { "filters.checks": check.slug() });
    }
    if let (Some(l), true) = (query.language, on(Facet::Language)) {
        all.push(doc! { "filters.languages": l.slug() });
    }
    if let (Some(a), true) = (query.accessibility, on(Facet::Accessibility)) {
        all.push(doc! { "filters.accessibility": a.slug() });
    }
    if let (Some(s), true) = (query.subject, on(Facet::Subject)) {
        all.push(doc! { "filters.subjects": s.slug() });
    }
    for word in words {
        let pattern = regex_escape(word);
        all.push(doc! { "$or": [
            { "name": { "$regex": &pattern, "$options": "i" } },
            { "description": { "$regex": &pattern, "$options": "i" } },
        ] });
    }
    if all.is_empty() {
        Document::new()
    } else {
        doc! { "$and": all }
    }
}

/// `text` as a regular expression that matches it literally.
fn regex_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\^$.|?*+()[]{}/-#".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

fn sort_document(sort: SortOrder) -> Document {
    match sort {
        SortOrder::TopRated => doc! { "rating_score": -1, "rating_count": -1, "slug": 1 },
        SortOrder::Newest => doc! { "released": -1, "slug": 1 },
        SortOrder::Name => doc! { "name_key": 1, "slug": 1 },
        SortOrder::Learning => doc! { "learning_key": -1, "rating_score": -1, "slug": 1 },
    }
}

async fn collect_apps(cursor: mongodb::Cursor<AppDocument>) -> Result<Vec<App>, StoreError> {
    let documents: Vec<AppDocument> = cursor.try_collect().await.map_err(db_err)?;
    documents.into_iter().map(AppDocument::into_app).collect()
}

#[async_trait]
impl Catalog for MongoCatalog {
    fn backend(&self) -> &'static str {
        "mongodb"
    }

    async fn upsert_many(&self, apps: &[App]) -> Result<Vec<App>, StoreError> {
        let mut documents = Vec::with_capacity(apps.len());
        let mut normalized = Vec::with_capacity(apps.len());
        for app in apps {
            app.validate().map_err(|source| StoreError::Invalid { slug: app.slug.clone(), source })?;
            let mut app = app.clone();
            app.normalize();
            documents.push(AppDocument::from_app(&app).to_document()?);
            normalized.push(app);
        }
        let slugs: Vec<&str> = apps.iter().map(|a| a.slug.as_str()).collect();
        let mut before = Vec::new();
        for chunk in slugs.chunks(WRITE_BATCH) {
            let cursor = timed(READ_TIMEOUT, self.apps.find(doc! { "slug": { "$in": chunk } })).await?;
            before.extend(collect_apps(cursor).await?);
        }
        super::fact_history::record(&self.db, &before, &normalized).await?;
        for chunk in documents.chunks(WRITE_BATCH) {
            let updates: Vec<Document> = chunk
                .iter()
                .map(|d| doc! { "q": { "slug": d.get("slug").cloned().unwrap_or(Bson::Null) }, "u": d.clone(), "upsert": true })
                .collect();
            let mut command = doc! { "update": APPS, "updates": updates, "ordered": true };
            if let Some(concern) = self.apps.write_concern() {
                let concern = mongodb::bson::to_document(concern)
                    .map_err(|e| StoreError::Backend(BackendError::other(e.to_string())))?;
                if !concern.is_empty() {
                    command.insert("writeConcern", concern);
                }
            }
            let reply = timed(WRITE_TIMEOUT, self.db.run_command(command)).await?;
            write_reply_errors(&reply)?;
        }
        Ok(before)
    }

    async fn get(&self, slug: &str) -> Result<Option<App>, StoreError> {
        let found = timed(READ_TIMEOUT, self.apps.find_one(doc! { "slug": slug })).await?;
        found.map(AppDocument::into_app).transpose()
    }

    async fn get_many(&self, slugs: &[String]) -> Result<Vec<App>, StoreError> {
        if slugs.is_empty() {
            return Ok(Vec::new());
        }
        let cursor = timed(READ_TIMEOUT, self.apps.find(doc! { "slug": { "$in": slugs } })).await?;
        let mut found = collect_apps(cursor).await?;
        let position = |slug: &str| slugs.iter().position(|s| s == slug).unwrap_or(usize::MAX);
        found.sort_by_key(|a| position(&a.slug));
        Ok(found)
    }

    async fn delete(&self, slug: &str) -> Result<bool, StoreError> {
        let done = timed(WRITE_TIMEOUT, self.apps.delete_one(doc! { "slug": slug })).await?;
        super::fact_history::forget(&self.db, slug).await?;
        Ok(done.deleted_count > 0)
    }

    async fn fact_history(&self, slug: &str) -> Result<Vec<FactChange>, StoreError> {
        super::fact_history::read(&self.db, slug).await
    }

    async fn list(&self, query: &CatalogQuery) -> Result<AppPage, StoreError> {
        self.list_matching(query, &[]).await
    }

    async fn search_text(&self, words: &[String], query: &CatalogQuery) -> Result<AppPage, StoreError> {
        self.list_matching(query, words).await
    }

    async fn similar(&self, app: &App, limit: usize) -> Result<Vec<App>, StoreError> {
        let categories: Vec<&str> = app.categories.iter().map(|c| c.slug()).collect();
        let filter = doc! {
            "slug": { "$ne": &app.slug },
            "categories": { "$in": categories },
            "min_age": { "$gte": app.min_age as i32 - 2, "$lte": app.min_age as i32 + 2 },
        };
        let find = self.apps.find(filter).sort(sort_document(SortOrder::TopRated)).limit(limit as i64);
        collect_apps(timed(READ_TIMEOUT, async { find.await }).await?).await
    }

    async fn count(&self) -> Result<u64, StoreError> {
        Ok(timed(READ_TIMEOUT, self.apps.count_documents(doc! {})).await?)
    }

    async fn scan(&self, after: Option<&str>, limit: usize) -> Result<Vec<App>, StoreError> {
        let filter = match after {
            Some(slug) => doc! { "slug": { "$gt": slug } },
            None => doc! {},
        };
        let find = self.apps.find(filter).sort(doc! { "slug": 1 }).limit(limit as i64);
        collect_apps(timed(READ_TIMEOUT, async { find.await }).await?).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        timed(Duration::from_secs(5), self.db.run_command(doc! { "ping": 1 })).await.map(|_| ()).map_err(Into::into)
    }
}

/// An `update` command answers `ok: 1` even when some statements failed; their errors are in
/// `writeErrors` (and a missed write concern in `writeConcernError`).
fn write_reply_errors(reply: &Document) -> Result<(), StoreError> {
    if let Ok(errors) = reply.get_array("writeErrors") {
        if let Some(first) = errors.first().and_then(Bson::as_document) {
            let message = first.get_str("errmsg").unwrap_or("write refused");
            return Err(StoreError::Backend(BackendError::other(format!(
                "MongoDB refused {} write(s): {message}",
                errors.len()
            ))));
        }
    }
    if let Ok(concern) = reply.get_document("writeConcernError") {
        return Err(StoreError::Unavailable(BackendError::unavailable(format!(
            "write concern not met: {}",
            concern.get_str("errmsg").unwrap_or("unknown")
        ))));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_literally() {
        assert_eq!(regex_escape("c++ (beta)"), "c\\+\\+ \\(beta\\)");
        assert_eq!(regex_escape("dino"), "dino");
    }
}
