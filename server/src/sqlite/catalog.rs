//! The embedded catalog: SQLite in WAL mode under `DATA_DIR`.

use super::db_err;
use app::domain::{
    Accessibility, AgeBand, App, AppFacts, AppPage, CatalogQuery, Category, ChatLimit, Facet, FacetCounts, FactChange,
    FactSource, FilterFields, Language, Platform, PriceFilter, SafetyCheck, SortOrder, Subject,
};
use app::ports::{BackendError, Catalog, StoreError};
use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, QueryBuilder, Row, Sqlite, SqlitePool};
use std::collections::HashMap;

pub struct SqliteCatalog {
    pool: SqlitePool,
}

impl SqliteCatalog {
    /// The catalog in the `catalog.db` pool (the schema is `Sqlite::migrate`'s).
    pub fn new(pool: SqlitePool) -> SqliteCatalog {
        SqliteCatalog { pool }
    }
}

/// `facts` is the domain's JSON (migration 0006); `ads` … `open_chat` (`App::privacy`) and `chat`
/// … `subjects` (`FilterFields`) are worked out from it and kept as columns for the SQL filters.
const COLUMNS: &str = "slug, name, name_key, developer, description, platforms, categories, \
    price_cents, min_age, max_age, age_band, learning_rating, facts, \
    ads, in_app_purchases, collects_data, open_chat, chat, checks, languages, accessibility, subjects, \
    rating_avg, rating_count, released, updated";
const COLUMN_COUNT: usize = 26;

fn band_index(band: AgeBand) -> i64 {
    AgeBand::ALL.iter().position(|b| *b == band).unwrap_or(0) as i64
}

fn parse_date(text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| BackendError::other(format!("bad date {text:?} in store: {e}")).into())
}

fn app_from_row(row: &SqliteRow) -> Result<App, StoreError> {
    let get_u8 = |col: &str| -> Result<u8, StoreError> { Ok(row.try_get::<i64, _>(col).map_err(db_err)? as u8) };
    let slug: String = row.try_get("slug").map_err(db_err)?;
    let facts: String = row.try_get("facts").map_err(db_err)?;
    let facts: AppFacts = serde_json::from_str(&facts)
        .map_err(|e| BackendError::other(format!("app {slug:?}: unreadable facts in store: {e}")))?;
    Ok(App {
        name: row.try_get("name").map_err(db_err)?,
        developer: row.try_get("developer").map_err(db_err)?,
        description: row.try_get("description").map_err(db_err)?,
        platforms: Platform::from_mask(row.try_get::<i64, _>("platforms").map_err(db_err)? as u16),
        price_cents: row.try_get::<i64, _>("price_cents").map_err(db_err)? as u32,
        categories: Category::from_mask(row.try_get::<i64, _>("categories").map_err(db_err)? as u16),
        min_age: get_u8("min_age")?,
        max_age: row.try_get::<Option<i64>, _>("max_age").map_err(db_err)?.map(|a| a as u8),
        learning_rating: get_u8("learning_rating")?,
        facts,
        rating_avg: row.try_get::<f64, _>("rating_avg").map_err(db_err)? as f32,
        rating_count: row.try_get::<i64, _>("rating_count").map_err(db_err)? as u32,
        released: parse_date(&row.try_get::<String, _>("released").map_err(db_err)?)?,
        updated: parse_date(&row.try_get::<String, _>("updated").map_err(db_err)?)?,
        slug,
    })
}

fn change_from_row(row: &SqliteRow) -> Result<FactChange, StoreError> {
    Ok(FactChange {
        fact: row.try_get("fact").map_err(db_err)?,
        label: row.try_get("label").map_err(db_err)?,
        from: row.try_get("from_value").map_err(db_err)?,
        to: row.try_get("to_value").map_err(db_err)?,
        on: parse_date(&row.try_get::<String, _>("changed_on").map_err(db_err)?)?,
        source: FactSource::from_slug(&row.try_get::<String, _>("source").map_err(db_err)?).unwrap_or_default(),
    })
}

/// The stored versions of `slugs` (those that exist), read inside the write's transaction.
async fn stored_apps(tx: &mut sqlx::SqliteConnection, slugs: &[&str]) -> Result<Vec<App>, StoreError> {
    let mut found = Vec::new();
    for chunk in slugs.chunks(500) {
        let mut qb = QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM apps WHERE slug IN ("));
        let mut list = qb.separated(", ");
        for slug in chunk {
            list.push_bind(*slug);
        }
        qb.push(")");
        let rows = qb.build().fetch_all(&mut *tx).await.map_err(db_err)?;
        for row in &rows {
            found.push(app_from_row(row)?);
        }
    }
    Ok(found)
}

/// Appends ` AND <condition>` for every filter of `query` except `except`'s.
fn push_filters(qb: &mut QueryBuilder<Sqlite>, query: &CatalogQuery, except: Option<Facet>) {
    let on = |f: Facet| except != Some(f);
    if let (Some(band), true) = (query.age, on(Facet::Age)) {
        qb.push(" AND age_band = ").push_bind(band_index(band));
    }
    if let (Some(p), true) = (query.platform, on(Facet::Platform)) {
        qb.push(" AND (platforms & ").push_bind(p.bit() as i64).push(") != 0");
    }
    if let (Some(c), true) = (query.category, on(Facet::Category)) {
        qb.push(" AND (categories & ").push_bind(c.bit() as i64).push(") != 0");
    }
    if on(Facet::Price) {
        match query.price {
            Some(PriceFilter::Free) => {
                qb.push(" AND price_cents = 0");
            }
            Some(PriceFilter::Paid) => {
                qb.push(" AND price_cents > 0");
            }
            None => {}
        }
        if let Some(max) = query.max_price_cents {
            qb.push(" AND price_cents <= ").push_bind(max as i64);
        }
    }
    if query.no_ads && on(Facet::NoAds) {
        qb.push(" AND ads = 0");
    }
    if query.no_in_app_purchases && on(Facet::NoInAppPurchases) {
        qb.push(" AND in_app_purchases = 0");
    }
    if query.no_data_collection && on(Facet::NoDataCollection) {
        qb.push(" AND collects_data = 0");
    }
    if let (Some(n), true) = (query.min_learning, on(Facet::Learning)) {
        qb.push(" AND learning_rating >= ").push_bind(n as i64);
    }
    if let (Some(limit), true) = (query.chat, on(Facet::Chat)) {
        qb.push(" AND ").push(chat_condition(limit));
    }
    for check in SafetyCheck::ALL.iter().copied().filter(|&c| query.requires(c) && on(Facet::of_check(c))) {
        qb.push(" AND (checks & ").push_bind(check.bit() as i64).push(") != 0");
    }
    if let (Some(l), true) = (query.language, on(Facet::Language)) {
        qb.push(" AND (languages & ").push_bind(l.bit() as i64).push(") != 0");
    }
    if let (Some(a), true) = (query.accessibility, on(Facet::Accessibility)) {
        qb.push(" AND (accessibility & ").push_bind(a.bit() as i64).push(") != 0");
    }
    if let (Some(s), true) = (query.subject, on(Facet::Subject)) {
        qb.push(" AND (subjects & ").push_bind(s.bit() as i64).push(") != 0");
    }
}

/// The apps `limit` allows (`chat` holds the position in `domain::Chat`: none 0 … open 3).
fn chat_condition(limit: ChatLimit) -> &'static str {
    match limit {
        ChatLimit::None => "chat = 0",
        ChatLimit::Moderated => "chat < 3",
    }
}

fn mask_sums(column: &str, bits: impl Iterator<Item = u16>) -> Vec<String> {
    bits.map(|bit| format!("SUM(({column} & {bit}) != 0)")).collect()
}

fn order_by(sort: SortOrder) -> &'static str {
    match sort {
        SortOrder::TopRated => " ORDER BY rating_score DESC, rating_count DESC, slug",
        SortOrder::Newest => " ORDER BY released DESC, slug",
        SortOrder::Name => " ORDER BY name_key, slug",
        SortOrder::Learning => " ORDER BY learning_key DESC, rating_score DESC, slug",
    }
}

/// The SUM expressions that count each value of a facet, in `FacetCounts::zeroed` order.
fn facet_sums(facet: Facet) -> Vec<String> {
    match facet {
        Facet::Age => (0..AgeBand::ALL.len()).map(|i| format!("SUM(age_band = {i})")).collect(),
        Facet::Platform => Platform::ALL.iter().map(|p| format!("SUM((platforms & {}) != 0)", p.bit())).collect(),
        Facet::Category => Category::ALL.iter().map(|c| format!("SUM((categories & {}) != 0)", c.bit())).collect(),
        Facet::Price => vec!["SUM(price_cents = 0)".into(), "SUM(price_cents > 0)".into()],
        Facet::NoAds => vec!["SUM(ads = 0)".into()],
        Facet::NoInAppPurchases => vec!["SUM(in_app_purchases = 0)".into()],
        Facet::NoDataCollection => vec!["SUM(collects_data = 0)".into()],
        Facet::Learning => vec![],
        Facet::Chat => ChatLimit::ALL.iter().map(|&l| format!("SUM({})", chat_condition(l))).collect(),
        Facet::Language => mask_sums("languages", Language::ALL.iter().map(|l| l.bit())),
        Facet::Accessibility => mask_sums("accessibility", Accessibility::ALL.iter().map(|a| a.bit())),
        Facet::Subject => mask_sums("subjects", Subject::ALL.iter().map(|s| s.bit())),
        check => mask_sums("checks", check.safety_check().map(SafetyCheck::bit).into_iter()),
    }
}

/// Every word must occur in the name or the description (SQLite's `lower` folds ASCII only,
/// as the port asks).
fn push_words(qb: &mut QueryBuilder<Sqlite>, words: &[String]) {
    for word in words {
        qb.push(" AND instr(lower(name || ' ' || description), ").push_bind(word.clone()).push(") > 0");
    }
}

impl SqliteCatalog {
    async fn list_matching(&self, query: &CatalogQuery, words: &[String]) -> Result<AppPage, StoreError> {
        let mut qb = QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM apps WHERE 1=1"));
        push_filters(&mut qb, query, None);
        push_words(&mut qb, words);
        qb.push(order_by(query.sort));
        qb.push(" LIMIT ").push_bind(query.per_page as i64);
        qb.push(" OFFSET ").push_bind(query.offset() as i64);
        let rows = qb.build().fetch_all(&self.pool).await.map_err(db_err)?;
        let apps = rows.iter().map(app_from_row).collect::<Result<Vec<_>, _>>()?;
        let (total, facets) = self.counts(query, words).await?;
        Ok(AppPage { apps, total, page: query.page, per_page: query.per_page, facets })
    }

    /// Total and facet counts: one query for the count and every facet the query leaves open
    /// (they share the full WHERE clause), plus one per constrained facet.
    async fn counts(&self, query: &CatalogQuery, words: &[String]) -> Result<(u64, FacetCounts), StoreError> {
        let mut counts = FacetCounts::zeroed();
        let open: Vec<Facet> = Facet::ALL.iter().copied().filter(|&f| !query.constrains(f)).collect();
        let mut groups: Vec<(Option<Facet>, Vec<Facet>)> = vec![(None, open)];
        groups.extend(
            Facet::ALL
                .iter()
                .copied()
                .filter(|&f| query.constrains(f) && f != Facet::Learning)
                .map(|f| (Some(f), vec![f])),
        );
        let mut total = 0;
        for (except, facets) in groups {
            let sums: Vec<Vec<String>> = facets.iter().map(|&f| facet_sums(f)).collect();
            let mut exprs = vec!["COUNT(*)".to_string()];
            exprs.extend(sums.iter().flatten().cloned());
            let mut qb = QueryBuilder::<Sqlite>::new(format!("SELECT {} FROM apps WHERE 1=1", exprs.join(", ")));
            push_filters(&mut qb, query, except);
            push_words(&mut qb, words);
            let row = qb.build().fetch_one(&self.pool).await.map_err(db_err)?;
            let value = |i: usize| -> Result<u64, StoreError> {
                Ok(row.try_get::<Option<i64>, _>(i).map_err(db_err)?.unwrap_or(0) as u64)
            };
            if except.is_none() {
                total = value(0)?;
            }
            let mut col = 1;
            for (&f, sums) in facets.iter().zip(&sums) {
                let n = sums.len();
                let values = (col..col + n).map(value).collect::<Result<Vec<_>, _>>()?;
                counts.set(f, &values);
                col += n;
            }
        }
        Ok((total, counts))
    }
}

#[async_trait]
impl Catalog for SqliteCatalog {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn upsert_many(&self, apps: &[App]) -> Result<Vec<App>, StoreError> {
        for app in apps {
            app.validate().map_err(|source| StoreError::Invalid { slug: app.slug.clone(), source })?;
        }
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let slugs: Vec<&str> = apps.iter().map(|a| a.slug.as_str()).collect();
        let before = stored_apps(&mut tx, &slugs).await?;
        let replaced: HashMap<&str, &App> = before.iter().map(|a| (a.slug.as_str(), a)).collect();
        let today = chrono::Utc::now().date_naive();
        let sql = format!("INSERT OR REPLACE INTO apps ({COLUMNS}) VALUES ({})", vec!["?"; COLUMN_COUNT].join(", "));
        for app in apps {
            let mut app = app.clone();
            app.normalize();
            let app = &app;
            let facts = serde_json::to_string(&app.facts)
                .map_err(|e| BackendError::other(format!("cannot encode the facts of {:?}: {e}", app.slug)))?;
            let flags = app.privacy();
            let fields = FilterFields::of(app);
            sqlx::query(AssertSqlSafe(sql.as_str()))
                .bind(&app.slug)
                .bind(&app.name)
                .bind(app.name.to_lowercase())
                .bind(&app.developer)
                .bind(&app.description)
                .bind(Platform::mask_of(&app.platforms) as i64)
                .bind(Category::mask_of(&app.categories) as i64)
                .bind(app.price_cents as i64)
                .bind(app.min_age as i64)
                .bind(app.max_age.map(i64::from))
                .bind(band_index(app.age_band()))
                .bind(app.learning_rating as i64)
                .bind(facts)
                .bind(flags.ads as i64)
                .bind(flags.in_app_purchases as i64)
                .bind(flags.collects_data as i64)
                .bind(flags.open_chat as i64)
                .bind(fields.chat as i64)
                .bind(i64::from(fields.checks))
                .bind(i64::from(fields.languages))
                .bind(i64::from(fields.accessibility))
                .bind(i64::from(fields.subjects))
                .bind(app.rating_avg as f64)
                .bind(app.rating_count as i64)
                .bind(app.released.format("%Y-%m-%d").to_string())
                .bind(app.updated.format("%Y-%m-%d").to_string())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            let Some(old) = replaced.get(app.slug.as_str()) else { continue };
            for change in app.fact_changes_since(old, today) {
                sqlx::query(
                    "INSERT INTO app_fact_changes (slug, fact, label, from_value, to_value, changed_on, source) \
                     VALUES (?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(&app.slug)
                .bind(&change.fact)
                .bind(&change.label)
                .bind(&change.from)
                .bind(&change.to)
                .bind(change.on.format("%Y-%m-%d").to_string())
                .bind(change.source.slug())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
        }
        tx.commit().await.map_err(db_err)?;
        Ok(before)
    }

    async fn fact_history(&self, slug: &str) -> Result<Vec<FactChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT fact, label, from_value, to_value, changed_on, source FROM app_fact_changes \
             WHERE slug = ? ORDER BY seq DESC",
        )
        .bind(slug)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(change_from_row).collect()
    }

    async fn get(&self, slug: &str) -> Result<Option<App>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM apps WHERE slug = ?")))
            .bind(slug)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(app_from_row).transpose()
    }

    async fn get_many(&self, slugs: &[String]) -> Result<Vec<App>, StoreError> {
        if slugs.is_empty() {
            return Ok(Vec::new());
        }
        let mut qb = QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM apps WHERE slug IN ("));
        let mut list = qb.separated(", ");
        for slug in slugs {
            list.push_bind(slug);
        }
        qb.push(")");
        let rows = qb.build().fetch_all(&self.pool).await.map_err(db_err)?;
        let mut found = rows.iter().map(app_from_row).collect::<Result<Vec<_>, _>>()?;
        let position = |slug: &str| slugs.iter().position(|s| s == slug).unwrap_or(usize::MAX);
        found.sort_by_key(|a| position(&a.slug));
        Ok(found)
    }

    async fn delete(&self, slug: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let done = sqlx::query("DELETE FROM apps WHERE slug = ?").bind(slug).execute(&mut *tx).await.map_err(db_err)?;
        sqlx::query("DELETE FROM app_fact_changes WHERE slug = ?")
            .bind(slug)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn list(&self, query: &CatalogQuery) -> Result<AppPage, StoreError> {
        self.list_matching(query, &[]).await
    }

    async fn search_text(&self, words: &[String], query: &CatalogQuery) -> Result<AppPage, StoreError> {
        self.list_matching(query, words).await
    }

    async fn similar(&self, app: &App, limit: usize) -> Result<Vec<App>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM apps WHERE slug != ? AND (categories & ?) != 0 \
             AND min_age BETWEEN ? AND ? ORDER BY rating_score DESC, rating_count DESC, slug LIMIT ?"
        )))
        .bind(&app.slug)
        .bind(Category::mask_of(&app.categories) as i64)
        .bind(app.min_age as i64 - 2)
        .bind(app.min_age as i64 + 2)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(app_from_row).collect()
    }

    async fn count(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM apps").fetch_one(&self.pool).await.map_err(db_err)?;
        Ok(n as u64)
    }

    async fn scan(&self, after: Option<&str>, limit: usize) -> Result<Vec<App>, StoreError> {
        let rows =
            sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM apps WHERE slug > ? ORDER BY slug LIMIT ?")))
                .bind(after.unwrap_or(""))
                .bind(limit as i64)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
        rows.iter().map(app_from_row).collect()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(db_err)?;
        Ok(())
    }
}
