//! Site search on Meilisearch (`MEILI_URL`, `MEILI_KEY`), through `meilisearch-sdk`.
//!
//! Settings are applied at connect, idempotently, and every write waits for its task so a
//! failure surfaces as an error here rather than in Meilisearch's task list. Facet counts keep
//! every filter but their own (like browse): one multi-search holds the main query and one
//! query per constrained facet. A rebuild fills `<uid>_rebuild`, then swaps it with the live
//! index in one task, so searches never see it half-built.

use app::domain::{
    AgeBand, App, CatalogQuery, Chat, ChatLimit, Facet, FacetCounts, PriceFilter, SafetyCheck, SearchQuery, SearchSort,
    SortOrder, SYNONYM_GROUPS,
};
use app::ports::{BackendError, Catalog, SearchError, SearchIndex, SearchMatches};
use async_trait::async_trait;
use meilisearch_sdk::client::{Client, SwapIndexes};
use meilisearch_sdk::errors::{Error as MeiliError, ErrorCode};
use meilisearch_sdk::search::{MatchingStrategies, SearchResults, Selectors};
use meilisearch_sdk::settings::{MinWordSizeForTypos, PaginationSetting, Settings, TypoToleranceSettings};
use meilisearch_sdk::task_info::TaskInfo;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

const SEARCH_TIMEOUT: Duration = Duration::from_secs(2);
const WRITE_TIMEOUT: Duration = Duration::from_secs(120);
const TASK_POLL: Duration = Duration::from_millis(20);
const REBUILD_BATCH: usize = 2_000;
/// Totals are exact up to this many hits (Meilisearch's default stops at 1000).
const MAX_TOTAL_HITS: usize = 1_000_000;

/// What Meilisearch stores of an app: the searchable text and the filtered/sorted values.
#[derive(Serialize, Deserialize)]
struct Document {
    id: String,
    name: String,
    developer: String,
    categories: Vec<String>,
    description: String,
    age_band: usize,
    platforms: Vec<String>,
    category_slugs: Vec<String>,
    price_cents: u32,
    free: bool,
    ads: bool,
    in_app_purchases: bool,
    collects_data: bool,
    learning: u8,
    /// `App::learning_key`: what "best for learning" sorts by.
    learning_key: u16,
    /// The chat's slug; the checks passed, languages, accessibility features and subjects as
    /// their slugs (`FilterFields`).
    chat: String,
    checks: Vec<String>,
    languages: Vec<String>,
    accessibility: Vec<String>,
    subjects: Vec<String>,
    /// `App::rating_score`: what "top rated" sorts by.
    rating_score: f64,
    rating_count: u32,
    released: i32,
    name_key: String,
}

impl Document {
    fn of(app: &App) -> Document {
        Document {
            id: app.slug.clone(),
            name: app.name.clone(),
            developer: app.developer.clone(),
            categories: app.categories.iter().map(|c| c.label().to_string()).collect(),
            description: app.description.clone(),
            age_band: AgeBand::ALL.iter().position(|b| *b == app.age_band()).unwrap_or(0),
            platforms: app.platforms.iter().map(|p| p.slug().to_string()).collect(),
            category_slugs: app.categories.iter().map(|c| c.slug().to_string()).collect(),
            price_cents: app.price_cents,
            free: app.is_free(),
            ads: app.privacy().ads,
            in_app_purchases: app.privacy().in_app_purchases,
            collects_data: app.privacy().collects_data,
            learning: app.learning_rating,
            learning_key: app.learning_key(),
            chat: app.facts.interaction.chat.slug().to_string(),
            checks: SafetyCheck::from_mask(app.facts.passed_checks()).iter().map(|c| c.slug().to_string()).collect(),
            languages: app.facts.store.languages.iter().map(|l| l.slug().to_string()).collect(),
            accessibility: app.facts.store.accessibility.iter().map(|a| a.slug().to_string()).collect(),
            subjects: app.facts.learning.subjects.iter().map(|s| s.slug().to_string()).collect(),
            rating_score: app.rating_score(),
            rating_count: app.rating_count,
            released: chrono::Datelike::num_days_from_ce(&app.released),
            name_key: app.name.to_lowercase(),
        }
    }
}

/// The fields each change of the document added last: an index without one is rebuilt.
const NEWEST_FIELDS: [&str; 3] = ["rating_score", "chat", "learning_key"];

#[derive(Deserialize)]
struct Id {
    id: String,
}

fn settings() -> Settings {
    let synonyms: HashMap<String, Vec<String>> = SYNONYM_GROUPS
        .iter()
        .flat_map(|group| {
            group.iter().map(|w| (w.to_string(), group.iter().filter(|o| *o != w).map(|o| o.to_string()).collect()))
        })
        .collect();
    Settings::new()
        .with_searchable_attributes(["name", "developer", "categories", "description"])
        .with_displayed_attributes(["id"])
        .with_filterable_attributes([
            "age_band",
            "platforms",
            "category_slugs",
            "price_cents",
            "free",
            "ads",
            "in_app_purchases",
            "collects_data",
            "learning",
            "chat",
            "checks",
            "languages",
            "accessibility",
            "subjects",
        ])
        .with_sortable_attributes(["rating_score", "rating_count", "released", "name_key", "learning_key", "id"])
        // Sort first: an explicit order is the catalog's order among the matches; relevance
        // (no sort given) then ranks by the text rules and breaks ties by rating.
        .with_ranking_rules([
            "sort",
            "words",
            "typo",
            "proximity",
            "attribute",
            "exactness",
            "rating_score:desc",
            "rating_count:desc",
            "id:asc",
        ])
        .with_synonyms(synonyms)
        .with_typo_tolerance(TypoToleranceSettings {
            enabled: Some(true),
            min_word_size_for_typos: Some(MinWordSizeForTypos { one_typo: Some(5), two_typos: Some(9) }),
            ..Default::default()
        })
        .with_pagination(PaginationSetting { max_total_hits: MAX_TOTAL_HITS })
        .with_proximity_precision("byAttribute")
}

pub struct MeiliSearch {
    client: Client,
    uid: String,
    host: String,
    /// Set once the index exists with our settings; until then every call tries again, so a
    /// Meilisearch that was down at start is picked up when it comes back.
    prepared: tokio::sync::OnceCell<()>,
}

/// The URL without credentials, for messages.
pub fn host_of(url: &str) -> String {
    url.split_once("://")
        .map(|(_, rest)| rest.rsplit('@').next().unwrap_or(rest).to_string())
        .unwrap_or_else(|| url.into())
}

fn error(e: MeiliError) -> SearchError {
    match e {
        MeiliError::Meilisearch(e) => {
            SearchError::Backend(BackendError::other(format!("{:?}: {}", e.error_code, e.error_message)))
        }
        MeiliError::Timeout => {
            SearchError::Unavailable(BackendError::unavailable("a Meilisearch task did not finish in time"))
        }
        other => SearchError::Unavailable(BackendError::unavailable(other)),
    }
}

async fn within<T>(limit: Duration, work: impl Future<Output = Result<T, MeiliError>>) -> Result<T, SearchError> {
    match tokio::time::timeout(limit, work).await {
        Ok(result) => result.map_err(error),
        Err(_) => Err(SearchError::Unavailable(BackendError::unavailable(format!(
            "Meilisearch did not answer within {limit:?}"
        )))),
    }
}

impl MeiliSearch {
    /// A client for the index `uid`; nothing is sent until `ready` or the first call.
    pub fn new(url: &str, key: Option<&str>, uid: &str) -> Result<MeiliSearch, SearchError> {
        let client = Client::new(url, key).map_err(error)?;
        Ok(MeiliSearch { client, uid: uid.to_string(), host: host_of(url), prepared: tokio::sync::OnceCell::new() })
    }

    /// Creates the index if missing and applies the settings, once per process.
    pub async fn ready(&self) -> Result<(), SearchError> {
        let prepare = self.prepared.get_or_try_init(|| async {
            within(SEARCH_TIMEOUT, self.client.health()).await?;
            self.prepare(&self.uid).await
        });
        match tokio::time::timeout(WRITE_TIMEOUT, prepare).await {
            Ok(result) => result.map(drop),
            Err(_) => Err(SearchError::Unavailable(BackendError::unavailable(
                "Meilisearch did not finish setting up the index",
            ))),
        }
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// Deletes an index and its staging twin (tests clean up with it); errors are ignored.
    pub async fn drop_index(&self, uid: &str) {
        for uid in [uid.to_string(), format!("{uid}_rebuild")] {
            if let Ok(task) = within(WRITE_TIMEOUT, self.client.index(&uid).delete()).await {
                let _ = self.wait(task).await;
            }
        }
    }

    /// The index exists with our settings.
    async fn prepare(&self, uid: &str) -> Result<(), SearchError> {
        match within(WRITE_TIMEOUT, self.client.create_index(uid, Some("id"))).await {
            Ok(task) => {
                let done = self.wait(task).await;
                if let Err(SearchError::Backend(message)) = &done {
                    if !message.to_string().contains("IndexAlreadyExists") {
                        return done;
                    }
                }
            }
            Err(e) => return Err(e),
        }
        let task = within(WRITE_TIMEOUT, self.client.index(uid).set_settings(&settings())).await?;
        self.wait(task).await
    }

    /// Waits for a task and turns its failure into an error.
    async fn wait(&self, task: TaskInfo) -> Result<(), SearchError> {
        let task =
            within(WRITE_TIMEOUT, task.wait_for_completion(&self.client, Some(TASK_POLL), Some(WRITE_TIMEOUT))).await?;
        if task.is_failure() {
            let failure = task.unwrap_failure();
            return Err(SearchError::Backend(BackendError::other(format!(
                "{:?}: {}",
                failure.error_code, failure.error_message
            ))));
        }
        Ok(())
    }

    async fn add(&self, uid: &str, apps: &[App]) -> Result<(), SearchError> {
        let docs: Vec<Document> = apps.iter().map(Document::of).collect();
        let task = within(WRITE_TIMEOUT, self.client.index(uid).add_or_replace(&docs, Some("id"))).await?;
        self.wait(task).await
    }
}

/// A Meilisearch filter expression for the query, leaving out `except`'s own condition.
fn filter_expression(query: &CatalogQuery, except: Option<Facet>) -> String {
    let on = |f: Facet| except != Some(f);
    let mut parts: Vec<String> = Vec::new();
    if let (Some(band), true) = (query.age, on(Facet::Age)) {
        parts.push(format!("age_band = {}", AgeBand::ALL.iter().position(|b| *b == band).unwrap_or(0)));
    }
    if let (Some(p), true) = (query.platform, on(Facet::Platform)) {
        parts.push(format!("platforms = \"{}\"", p.slug()));
    }
    if let (Some(c), true) = (query.category, on(Facet::Category)) {
        parts.push(format!("category_slugs = \"{}\"", c.slug()));
    }
    if on(Facet::Price) {
        match query.price {
            Some(PriceFilter::Free) => parts.push("free = true".into()),
            Some(PriceFilter::Paid) => parts.push("free = false".into()),
            None => {}
        }
        if let Some(max) = query.max_price_cents {
            parts.push(format!("price_cents <= {max}"));
        }
    }
    if query.no_ads && on(Facet::NoAds) {
        parts.push("ads = false".into());
    }
    if query.no_in_app_purchases && on(Facet::NoInAppPurchases) {
        parts.push("in_app_purchases = false".into());
    }
    if query.no_data_collection && on(Facet::NoDataCollection) {
        parts.push("collects_data = false".into());
    }
    if let (Some(n), true) = (query.min_learning, on(Facet::Learning)) {
        parts.push(format!("learning >= {n}"));
    }
    match (query.chat, on(Facet::Chat)) {
        (Some(ChatLimit::None), true) => parts.push("chat = \"none\"".into()),
        (Some(ChatLimit::Moderated), true) => parts.push("chat != \"open\"".into()),
        _ => {}
    }
    for check in SafetyCheck::ALL.iter().copied().filter(|&c| query.requires(c) && on(Facet::of_check(c))) {
        parts.push(format!("checks = \"{}\"", check.slug()));
    }
    if let (Some(l), true) = (query.language, on(Facet::Language)) {
        parts.push(format!("languages = \"{}\"", l.slug()));
    }
    if let (Some(a), true) = (query.accessibility, on(Facet::Accessibility)) {
        parts.push(format!("accessibility = \"{}\"", a.slug()));
    }
    if let (Some(s), true) = (query.subject, on(Facet::Subject)) {
        parts.push(format!("subjects = \"{}\"", s.slug()));
    }
    parts.join(" AND ")
}

/// The Meilisearch attribute a facet's counts come from.
fn facet_attribute(facet: Facet) -> Option<&'static str> {
    match facet {
        Facet::Age => Some("age_band"),
        Facet::Platform => Some("platforms"),
        Facet::Category => Some("category_slugs"),
        Facet::Price => Some("free"),
        Facet::NoAds => Some("ads"),
        Facet::NoInAppPurchases => Some("in_app_purchases"),
        Facet::NoDataCollection => Some("collects_data"),
        Facet::Learning => None,
        Facet::Chat => Some("chat"),
        Facet::Language => Some("languages"),
        Facet::Accessibility => Some("accessibility"),
        Facet::Subject => Some("subjects"),
        // Every check is a value of the one `checks` attribute.
        _ => Some("checks"),
    }
}

fn store_counts(counts: &mut FacetCounts, facet: Facet, values: &HashMap<String, usize>) {
    let n = |key: &str| values.get(key).copied().unwrap_or(0) as u64;
    match facet {
        Facet::Age => {
            for (i, slot) in counts.age.iter_mut().enumerate() {
                slot.1 = n(&i.to_string());
            }
        }
        Facet::Platform => {
            for slot in counts.platform.iter_mut() {
                slot.1 = n(slot.0.slug());
            }
        }
        Facet::Category => {
            for slot in counts.category.iter_mut() {
                slot.1 = n(slot.0.slug());
            }
        }
        Facet::Price => {
            for slot in counts.price.iter_mut() {
                slot.1 = n(if slot.0 == PriceFilter::Free { "true" } else { "false" });
            }
        }
        Facet::NoAds => counts.no_ads = n("false"),
        Facet::NoInAppPurchases => counts.no_in_app_purchases = n("false"),
        Facet::NoDataCollection => counts.no_data_collection = n("false"),
        Facet::Learning => {}
        Facet::Chat => {
            for (limit, count) in counts.chat.iter_mut() {
                *count = Chat::ALL.iter().filter(|c| limit.allows(**c)).map(|c| n(c.slug())).sum();
            }
        }
        Facet::Language => counts.language.iter_mut().for_each(|slot| slot.1 = n(slot.0.slug())),
        Facet::Accessibility => counts.accessibility.iter_mut().for_each(|slot| slot.1 = n(slot.0.slug())),
        Facet::Subject => counts.subject.iter_mut().for_each(|slot| slot.1 = n(slot.0.slug())),
        check => {
            let check = check.safety_check();
            if let Some(slot) = counts.checks.iter_mut().find(|slot| Some(slot.0) == check) {
                slot.1 = n(slot.0.slug());
            }
        }
    }
}

fn sort_keys(sort: SearchSort) -> &'static [&'static str] {
    match sort {
        SearchSort::Relevance => &[],
        SearchSort::By(SortOrder::TopRated) => &["rating_score:desc", "rating_count:desc", "id:asc"],
        SearchSort::By(SortOrder::Newest) => &["released:desc", "id:asc"],
        SearchSort::By(SortOrder::Name) => &["name_key:asc", "id:asc"],
        SearchSort::By(SortOrder::Learning) => &["learning_key:desc", "rating_score:desc", "id:asc"],
    }
}

#[async_trait]
impl SearchIndex for MeiliSearch {
    fn backend(&self) -> &'static str {
        "meilisearch"
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchMatches, SearchError> {
        self.ready().await?;
        let filters = query.filters.clone().sanitized();
        let index = self.client.index(&self.uid);
        let main_filter = filter_expression(&filters, None);
        let mut open: Vec<&str> = Vec::new();
        for attr in Facet::ALL.iter().filter(|&&f| !filters.constrains(f)).filter_map(|&f| facet_attribute(f)) {
            if !open.contains(&attr) {
                open.push(attr);
            }
        }
        let constrained: Vec<(Facet, String, [&str; 1])> = Facet::ALL
            .iter()
            .filter(|&&f| filters.constrains(f))
            .filter_map(|&f| facet_attribute(f).map(|attr| (f, filter_expression(&filters, Some(f)), [attr])))
            .collect();

        let mut main = index.search();
        main.with_query(&query.text)
            .with_matching_strategy(MatchingStrategies::ALL)
            .with_page(filters.page as usize)
            .with_hits_per_page(filters.per_page as usize)
            .with_sort(sort_keys(query.sort))
            .with_facets(Selectors::Some(&open));
        if !main_filter.is_empty() {
            main.with_filter(&main_filter);
        }
        let mut multi = self.client.multi_search();
        multi.with_search_query(main);
        for (_, filter, attr) in &constrained {
            let mut q = index.search();
            q.with_query(&query.text)
                .with_matching_strategy(MatchingStrategies::ALL)
                .with_limit(0)
                .with_facets(Selectors::Some(attr));
            if !filter.is_empty() {
                q.with_filter(filter);
            }
            multi.with_search_query(q);
        }
        let response = within(SEARCH_TIMEOUT, multi.execute::<Id>()).await?;
        let mut results = response.results.into_iter();
        let main: SearchResults<Id> =
            results.next().ok_or_else(|| SearchError::Backend(BackendError::other("empty multi-search answer")))?;
        let mut facets = FacetCounts::zeroed();
        let empty = HashMap::new();
        let distribution = main.facet_distribution.unwrap_or_default();
        for facet in Facet::ALL.iter().copied().filter(|&f| !filters.constrains(f)) {
            if let Some(attr) = facet_attribute(facet) {
                store_counts(&mut facets, facet, distribution.get(attr).unwrap_or(&empty));
            }
        }
        for ((facet, _, [attr]), result) in constrained.iter().zip(results) {
            let distribution = result.facet_distribution.unwrap_or_default();
            store_counts(&mut facets, *facet, distribution.get(*attr).unwrap_or(&empty));
        }
        Ok(SearchMatches {
            slugs: main.hits.into_iter().map(|h| h.result.id).collect(),
            total: main.total_hits.unwrap_or(0) as u64,
            facets,
        })
    }

    async fn suggest(&self, text: &str, limit: usize) -> Result<Vec<String>, SearchError> {
        self.ready().await?;
        let index = self.client.index(&self.uid);
        let mut slugs: Vec<String> = Vec::new();
        // `last` drops words from the end until something matches: the fill-up and the
        // "did you mean" for a query with a word nothing has.
        for strategy in [MatchingStrategies::ALL, MatchingStrategies::LAST] {
            let mut q = index.search();
            q.with_query(text).with_matching_strategy(strategy).with_limit(limit);
            let found = within(SEARCH_TIMEOUT, q.execute::<Id>()).await?;
            for hit in found.hits {
                if !slugs.contains(&hit.result.id) && slugs.len() < limit {
                    slugs.push(hit.result.id);
                }
            }
            if slugs.len() >= limit {
                break;
            }
        }
        Ok(slugs)
    }

    async fn upsert(&self, apps: &[App]) -> Result<(), SearchError> {
        if apps.is_empty() {
            return Ok(());
        }
        self.ready().await?;
        self.add(&self.uid, apps).await
    }

    async fn delete(&self, slugs: &[String]) -> Result<(), SearchError> {
        if slugs.is_empty() {
            return Ok(());
        }
        self.ready().await?;
        let task = within(WRITE_TIMEOUT, self.client.index(&self.uid).delete_documents(slugs)).await?;
        self.wait(task).await
    }

    async fn rebuild(
        &self,
        catalog: &dyn Catalog,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<u64, SearchError> {
        self.ready().await?;
        let staging = format!("{}_rebuild", self.uid);
        // A rebuild that died half-way leaves its staging index behind: start clean.
        match within(WRITE_TIMEOUT, self.client.index(&staging).delete()).await {
            Ok(task) => {
                if let Err(e) = self.wait(task).await {
                    if !matches!(&e, SearchError::Backend(m) if m.to_string().contains(&format!("{:?}", ErrorCode::IndexNotFound)))
                    {
                        return Err(e);
                    }
                }
            }
            Err(e) => return Err(e),
        }
        self.prepare(&staging).await?;
        let total = catalog.count().await.map_err(|e| SearchError::Backend(BackendError::other(e)))?;
        progress(0, total);
        let mut after: Option<String> = None;
        let mut done = 0u64;
        loop {
            let batch = catalog
                .scan(after.as_deref(), REBUILD_BATCH)
                .await
                .map_err(|e| SearchError::Backend(BackendError::other(e)))?;
            let Some(last) = batch.last() else { break };
            after = Some(last.slug.clone());
            self.add(&staging, &batch).await?;
            done += batch.len() as u64;
            progress(done, total.max(done));
            if batch.len() < REBUILD_BATCH {
                break;
            }
        }
        let swap = SwapIndexes { indexes: (self.uid.clone(), staging.clone()), rename: None };
        let task = within(WRITE_TIMEOUT, self.client.swap_indexes([&swap])).await?;
        self.wait(task).await?;
        let task = within(WRITE_TIMEOUT, self.client.index(&staging).delete()).await?;
        self.wait(task).await?;
        Ok(done)
    }

    async fn count(&self) -> Result<u64, SearchError> {
        self.ready().await?;
        let stats = within(SEARCH_TIMEOUT, self.client.index(&self.uid).get_stats()).await?;
        Ok(stats.number_of_documents as u64)
    }

    async fn ping(&self) -> Result<(), SearchError> {
        within(SEARCH_TIMEOUT, self.client.health()).await.map(drop)
    }

    /// Documents written before one of `NEWEST_FIELDS` existed lack it (and filter or sort
    /// wrongly by it).
    async fn outdated(&self) -> Result<bool, SearchError> {
        self.ready().await?;
        let index = self.client.index(&self.uid);
        let mut query = meilisearch_sdk::documents::DocumentsQuery::new(&index);
        query.with_limit(1).with_fields(NEWEST_FIELDS);
        let first =
            within(SEARCH_TIMEOUT, index.get_documents_with::<serde_json::Map<String, serde_json::Value>>(&query))
                .await?;
        Ok(first.results.first().is_some_and(|document| NEWEST_FIELDS.iter().any(|f| !document.contains_key(*f))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_name_each_condition_and_leave_out_the_facet_asked() {
        let q = CatalogQuery::from_query_str("age=5-7&platform=ios&price=free&max_price=3&no_ads=1&min_learning=4")
            .unwrap();
        assert_eq!(
            filter_expression(&q, None),
            "age_band = 1 AND platforms = \"ios\" AND free = true AND price_cents <= 300 AND ads = false AND learning >= 4"
        );
        assert!(!filter_expression(&q, Some(Facet::Platform)).contains("platforms"));
        assert!(q.constrains(Facet::Age) && !q.constrains(Facet::Category));
    }

    #[test]
    fn the_host_hides_credentials() {
        assert_eq!(host_of("https://user:secret@search.example:7700"), "search.example:7700");
    }
}
