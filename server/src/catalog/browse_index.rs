//! Browse served from memory: a bitset per facet value, one permutation per sort order and a
//! copy of each app, built from the store at start and rebuilt on every write made through this
//! node. The store stays the truth (writes go to it first; `get` reads it).
//!
//! A listing is a few bitset ANDs and a walk down a precomputed order, so its cost barely
//! depends on catalog size; the store's own `list` (SQL scans) stays as the reference the
//! conformance suite compares against. Keeping the apps themselves in memory (about 0.6 KB
//! each) saves reading a page of rows back from the store, which cost more than the listing.
//!
//! With several processes on one store (nodes, workers), a `ChangeFeed` carries the slugs
//! each one writes, and every read catches up with it first (`build_following`).

use super::change_feed::{ChangeFeed, Changes};
use app::domain::{
    best_for_learning_first, Accessibility, AgeBand, App, AppPage, CatalogQuery, Category, ChatLimit, Facet,
    FacetCounts, Language, Platform, PriceFilter, Risk, SafetyCheck, SortOrder, Subject,
};
use app::ports::WarnThrottle;
use app::ports::{Catalog, StoreError};
use async_trait::async_trait;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::{self, AtomicU64};
use std::sync::{Arc, RwLock};

const SCAN_BATCH: usize = 2_000;
/// `Following::applied` before the feed could be read: the next catch-up rebuilds.
const UNKNOWN: u64 = u64::MAX;

pub struct BrowseIndex {
    store: Arc<dyn Catalog>,
    index: RwLock<FacetBitsets>,
    following: Option<Following>,
}

/// The index of a node that shares its store with others.
struct Following {
    feed: Arc<dyn ChangeFeed>,
    /// The feed position the index reflects.
    applied: AtomicU64,
    catching_up: tokio::sync::Mutex<()>,
    /// Slugs written through this node that the feed has not taken yet (it was down).
    unrecorded: std::sync::Mutex<BTreeSet<String>>,
}

static FEED_DOWN: WarnThrottle = WarnThrottle::new();

async fn read_all(store: &dyn Catalog) -> Result<Vec<Entry>, StoreError> {
    let mut entries = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let batch = store.scan(after.as_deref(), SCAN_BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.slug.clone());
        entries.extend(batch.iter().map(Entry::from_app));
        if batch.len() < SCAN_BATCH {
            break;
        }
    }
    Ok(entries)
}

impl BrowseIndex {
    /// Reads the whole catalog from `store` in batches and indexes it; only writes made
    /// through this value reach the index (one process owns the store).
    pub async fn build(store: Arc<dyn Catalog>) -> Result<Self, StoreError> {
        let entries = read_all(&*store).await?;
        Ok(BrowseIndex { store, index: RwLock::new(FacetBitsets::new(entries)), following: None })
    }

    /// Like `build`, for a store other processes write too: every read first catches up with
    /// `feed` (one round trip when nothing changed), and every write is recorded there. While
    /// the feed is down, reads answer from the store itself (slower, never stale).
    pub async fn build_following(store: Arc<dyn Catalog>, feed: Arc<dyn ChangeFeed>) -> Result<Self, StoreError> {
        // The position before the scan: writes during it are replayed (refreshing is idempotent).
        let applied = feed.position().await.unwrap_or(UNKNOWN);
        let entries = read_all(&*store).await?;
        let following = Following {
            feed,
            applied: AtomicU64::new(applied),
            catching_up: tokio::sync::Mutex::new(()),
            unrecorded: std::sync::Mutex::new(BTreeSet::new()),
        };
        Ok(BrowseIndex { store, index: RwLock::new(FacetBitsets::new(entries)), following: Some(following) })
    }

    /// Catches up with the feed; true when the index now answers (false: the feed is down and
    /// reads go to the store).
    pub async fn is_current(&self) -> Result<bool, StoreError> {
        self.catch_up().await
    }

    pub fn indexed_count(&self) -> usize {
        self.read().entries.len()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, FacetBitsets> {
        // A panic while holding the lock cannot leave the index half-built (rebuilds replace it
        // whole), so a poisoned lock is still safe to read.
        self.index.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, FacetBitsets> {
        self.index.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Puts `apps` (the current state of `slugs`; a slug without an app was deleted) into the
    /// index.
    fn replace(&self, slugs: &[String], apps: &[App]) {
        let changed: HashSet<&str> =
            slugs.iter().map(String::as_str).chain(apps.iter().map(|a| a.slug.as_str())).collect();
        let mut index = self.write();
        let mut entries = std::mem::take(&mut index.entries);
        entries.retain(|e| !changed.contains(e.app.slug.as_str()));
        entries.extend(apps.iter().map(Entry::from_app));
        *index = FacetBitsets::new(entries);
    }

    /// Brings the index up to date with the feed. False when the feed cannot be read: the
    /// caller then answers from the store.
    async fn catch_up(&self) -> Result<bool, StoreError> {
        let Some(following) = &self.following else { return Ok(true) };
        self.record(following, &[]).await;
        let now = match following.feed.position().await {
            Ok(now) => now,
            Err(e) => {
                if FEED_DOWN.allow(10) {
                    tracing::warn!("{e}; listings answer from the store until it is back");
                }
                return Ok(false);
            }
        };
        if now == following.applied.load(atomic::Ordering::Acquire) {
            return Ok(true);
        }
        let _one_at_a_time = following.catching_up.lock().await;
        let applied = following.applied.load(atomic::Ordering::Acquire);
        if applied == now {
            return Ok(true);
        }
        let changes = if applied == UNKNOWN { Ok(Changes::Rebuild(now)) } else { following.feed.since(applied).await };
        match changes {
            Ok(Changes::Slugs(position, slugs)) => {
                let apps = self.store.get_many(&slugs).await?;
                self.replace(&slugs, &apps);
                following.applied.store(position, atomic::Ordering::Release);
            }
            Ok(Changes::Rebuild(position)) => {
                let entries = read_all(&*self.store).await?;
                *self.write() = FacetBitsets::new(entries);
                following.applied.store(position, atomic::Ordering::Release);
                tracing::info!(position, "browse index rebuilt from the store");
            }
            Err(_) => return Ok(false),
        }
        Ok(true)
    }

    /// Tells the other nodes about a write (and any earlier one the feed missed).
    async fn record(&self, following: &Following, slugs: &[String]) {
        let mut batch: BTreeSet<String> = slugs.iter().cloned().collect();
        {
            let mut unrecorded = following.unrecorded.lock().unwrap_or_else(|e| e.into_inner());
            if batch.is_empty() && unrecorded.is_empty() {
                return;
            }
            batch.append(&mut unrecorded);
        }
        let batch: Vec<String> = batch.into_iter().collect();
        if let Err(e) = following.feed.record(&batch).await {
            tracing::warn!("{e}; other nodes learn of {} written apps when it is back", batch.len());
            following.unrecorded.lock().unwrap_or_else(|e| e.into_inner()).extend(batch);
        }
    }

    async fn wrote(&self, slugs: &[String], apps: &[App]) {
        self.replace(slugs, apps);
        if let Some(following) = &self.following {
            self.record(following, slugs).await;
        }
    }
}

#[async_trait]
impl Catalog for BrowseIndex {
    fn backend(&self) -> &'static str {
        self.store.backend()
    }

    async fn upsert_many(&self, apps: &[App]) -> Result<Vec<App>, StoreError> {
        let replaced = self.store.upsert_many(apps).await?;
        let slugs: Vec<String> = apps.iter().map(|a| a.slug.clone()).collect();
        self.wrote(&slugs, apps).await;
        Ok(replaced)
    }

    async fn get(&self, slug: &str) -> Result<Option<App>, StoreError> {
        self.store.get(slug).await
    }

    async fn fact_history(&self, slug: &str) -> Result<Vec<app::domain::FactChange>, StoreError> {
        self.store.fact_history(slug).await
    }

    async fn get_many(&self, slugs: &[String]) -> Result<Vec<App>, StoreError> {
        self.store.get_many(slugs).await
    }

    async fn delete(&self, slug: &str) -> Result<bool, StoreError> {
        let removed = self.store.delete(slug).await?;
        if removed {
            self.wrote(&[slug.to_string()], &[]).await;
        }
        Ok(removed)
    }

    async fn list(&self, query: &CatalogQuery) -> Result<AppPage, StoreError> {
        if !self.catch_up().await? {
            return self.store.list(query).await;
        }
        let (apps, total, facets) = self.read().list(query);
        Ok(AppPage { apps, total, page: query.page, per_page: query.per_page, facets })
    }

    async fn search_text(&self, words: &[String], query: &CatalogQuery) -> Result<AppPage, StoreError> {
        if !self.catch_up().await? {
            return self.store.search_text(words, query).await;
        }
        let (apps, total, facets) = self.read().search_text(words, query);
        Ok(AppPage { apps, total, page: query.page, per_page: query.per_page, facets })
    }

    async fn similar(&self, app: &App, limit: usize) -> Result<Vec<App>, StoreError> {
        if !self.catch_up().await? {
            return self.store.similar(app, limit).await;
        }
        Ok(self.read().similar(app, limit))
    }

    async fn safer_alternatives(&self, app: &App, limit: usize) -> Result<Vec<App>, StoreError> {
        if !self.catch_up().await? {
            return self.store.safer_alternatives(app, limit).await;
        }
        Ok(self.read().safer_alternatives(app, limit))
    }

    async fn count(&self) -> Result<u64, StoreError> {
        self.store.count().await
    }

    async fn scan(&self, after: Option<&str>, limit: usize) -> Result<Vec<App>, StoreError> {
        self.store.scan(after, limit).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.store.ping().await
    }
}

/// An indexed app (normalized, as the store returns it) and the keys the hot loops compare.
struct Entry {
    app: App,
    /// Lowercase name, the `Name` order's key.
    name_key: Box<str>,
    /// Category bitmask, for the similar-apps scan.
    categories: u16,
}

impl Entry {
    fn from_app(app: &App) -> Entry {
        let mut app = app.clone();
        app.normalize();
        Entry { name_key: app.name.to_lowercase().into(), categories: Category::mask_of(&app.categories), app }
    }
}

/// A fixed-size set of entry positions.
#[derive(Clone)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(len: usize, member: impl Fn(usize) -> bool) -> Bits {
        let mut words = vec![0u64; len.div_ceil(64)];
        for i in (0..len).filter(|&i| member(i)) {
            words[i / 64] |= 1 << (i % 64);
        }
        Bits(words)
    }

    fn empty(len: usize) -> Bits {
        Bits(vec![0; len.div_ceil(64)])
    }

    fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    fn and(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a &= b;
        }
    }

    fn or(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }

    fn count(&self) -> u64 {
        self.0.iter().map(|w| w.count_ones() as u64).sum()
    }

    fn count_and(&self, other: &Bits) -> u64 {
        self.0.iter().zip(&other.0).map(|(a, b)| (a & b).count_ones() as u64).sum()
    }
}

/// `None` means "every entry" (no constraint), so unfiltered requests skip the ANDs.
fn intersect<'a>(sets: impl Iterator<Item = &'a Bits>) -> Option<Bits> {
    let mut acc: Option<Bits> = None;
    for set in sets {
        match &mut acc {
            Some(a) => a.and(set),
            None => acc = Some(set.clone()),
        }
    }
    acc
}

struct FacetBitsets {
    entries: Vec<Entry>,
    age: Vec<Bits>,
    platform: Vec<Bits>,
    category: Vec<Bits>,
    free: Bits,
    paid: Bits,
    no_ads: Bits,
    no_in_app_purchases: Bits,
    no_data_collection: Bits,
    /// `learning_at_least[n]`: learning rating ≥ n.
    learning_at_least: Vec<Bits>,
    /// One set per value, in the order of each type's `ALL`.
    chat: Vec<Bits>,
    checks: Vec<Bits>,
    language: Vec<Bits>,
    accessibility: Vec<Bits>,
    subject: Vec<Bits>,
    /// Entry positions in each sort order, indexed like `SortOrder::ALL`.
    orders: Vec<Vec<u32>>,
}

fn compare(sort: SortOrder, a: &Entry, b: &Entry) -> Ordering {
    let by_slug = || a.app.slug.cmp(&b.app.slug);
    match sort {
        SortOrder::TopRated => b
            .app
            .rating_score()
            .total_cmp(&a.app.rating_score())
            .then(b.app.rating_count.cmp(&a.app.rating_count))
            .then_with(by_slug),
        SortOrder::Newest => b.app.released.cmp(&a.app.released).then_with(by_slug),
        SortOrder::Name => a.name_key.cmp(&b.name_key).then_with(by_slug),
        SortOrder::Learning => best_for_learning_first(&a.app, &b.app),
    }
}

impl FacetBitsets {
    fn new(entries: Vec<Entry>) -> FacetBitsets {
        let n = entries.len();
        let bits = |f: &dyn Fn(&Entry) -> bool| Bits::new(n, |i| f(&entries[i]));
        let orders = SortOrder::ALL
            .iter()
            .map(|&sort| {
                let mut order: Vec<u32> = (0..n as u32).collect();
                order.sort_unstable_by(|&a, &b| compare(sort, &entries[a as usize], &entries[b as usize]));
                order
            })
            .collect();
        FacetBitsets {
            age: AgeBand::ALL.iter().map(|&b| bits(&|e| e.app.age_band() == b)).collect(),
            platform: Platform::ALL.iter().map(|p| bits(&|e| e.app.platforms.contains(p))).collect(),
            category: Category::ALL.iter().map(|c| bits(&|e| e.categories & c.bit() != 0)).collect(),
            free: bits(&|e| e.app.is_free()),
            paid: bits(&|e| !e.app.is_free()),
            no_ads: bits(&|e| !e.app.privacy().ads),
            no_in_app_purchases: bits(&|e| !e.app.privacy().in_app_purchases),
            no_data_collection: bits(&|e| !e.app.privacy().collects_data),
            learning_at_least: (0..=5u8).map(|k| bits(&|e| e.app.learning_rating >= k)).collect(),
            chat: ChatLimit::ALL.iter().map(|l| bits(&|e| l.allows(e.app.facts.interaction.chat))).collect(),
            checks: SafetyCheck::ALL.iter().map(|&c| bits(&|e| e.app.facts.passes(c))).collect(),
            language: Language::ALL.iter().map(|l| bits(&|e| e.app.facts.store.languages.contains(l))).collect(),
            accessibility: Accessibility::ALL
                .iter()
                .map(|a| bits(&|e| e.app.facts.store.accessibility.contains(a)))
                .collect(),
            subject: Subject::ALL.iter().map(|s| bits(&|e| e.app.facts.learning.subjects.contains(s))).collect(),
            orders,
            entries,
        }
    }

    fn position<T: PartialEq>(all: &[T], value: T) -> usize {
        all.iter().position(|v| *v == value).unwrap_or(0)
    }

    /// The set a facet's filter allows, or None when the query leaves the facet open.
    fn constraint(&self, query: &CatalogQuery, facet: Facet) -> Option<Cow<'_, Bits>> {
        match facet {
            Facet::Age => query.age.map(|b| Cow::Borrowed(&self.age[Self::position(AgeBand::ALL, b)])),
            Facet::Platform => query.platform.map(|p| Cow::Borrowed(&self.platform[Self::position(Platform::ALL, p)])),
            Facet::Category => query.category.map(|c| Cow::Borrowed(&self.category[Self::position(Category::ALL, c)])),
            Facet::Price => {
                let by_kind = query.price.map(|p| match p {
                    PriceFilter::Free => &self.free,
                    PriceFilter::Paid => &self.paid,
                });
                let by_max = query
                    .max_price_cents
                    .map(|max| Bits::new(self.entries.len(), |i| self.entries[i].app.price_cents <= max));
                match (by_kind, by_max) {
                    (Some(kind), None) => Some(Cow::Borrowed(kind)),
                    (kind, max) => intersect(kind.into_iter().chain(max.as_ref())).map(Cow::Owned),
                }
            }
            Facet::NoAds => query.no_ads.then_some(Cow::Borrowed(&self.no_ads)),
            Facet::NoInAppPurchases => query.no_in_app_purchases.then_some(Cow::Borrowed(&self.no_in_app_purchases)),
            Facet::NoDataCollection => query.no_data_collection.then_some(Cow::Borrowed(&self.no_data_collection)),
            Facet::Learning => query.min_learning.map(|n| Cow::Borrowed(&self.learning_at_least[n.min(5) as usize])),
            Facet::Chat => query.chat.map(|c| Cow::Borrowed(&self.chat[Self::position(ChatLimit::ALL, c)])),
            Facet::Language => query.language.map(|l| Cow::Borrowed(&self.language[Self::position(Language::ALL, l)])),
            Facet::Accessibility => {
                query.accessibility.map(|a| Cow::Borrowed(&self.accessibility[Self::position(Accessibility::ALL, a)]))
            }
            Facet::Subject => query.subject.map(|s| Cow::Borrowed(&self.subject[Self::position(Subject::ALL, s)])),
            check => check
                .safety_check()
                .filter(|c| query.requires(*c))
                .map(|c| Cow::Borrowed(&self.checks[Self::position(SafetyCheck::ALL, c)])),
        }
    }

    /// The requested page of apps, the total, and facet counts.
    fn list(&self, query: &CatalogQuery) -> (Vec<App>, u64, FacetCounts) {
        let constraints: Vec<(Facet, Cow<'_, Bits>)> =
            Facet::ALL.iter().filter_map(|&f| self.constraint(query, f).map(|bits| (f, bits))).collect();
        let matching = intersect(constraints.iter().map(|(_, b)| b.as_ref()));
        let total = matching.as_ref().map_or(self.entries.len() as u64, Bits::count);

        let order = &self.orders[Self::position(SortOrder::ALL, query.sort)];
        let apps = order
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| matching.as_ref().is_none_or(|m| m.contains(i)))
            .skip(query.offset() as usize)
            .take(query.per_page as usize)
            .map(|i| self.entries[i].app.clone())
            .collect();

        // A facet's counts keep every filter but its own: for an open facet that is simply
        // `matching`; a constrained one needs the intersection of the others.
        let counts_for = |facet: Facet, sets: &mut dyn Iterator<Item = (&mut u64, &Bits)>| {
            let own = constraints.iter().any(|(f, _)| *f == facet);
            let others =
                own.then(|| intersect(constraints.iter().filter(|(f, _)| *f != facet).map(|(_, b)| b.as_ref())));
            let base = others.as_ref().unwrap_or(&matching).as_ref();
            for (slot, set) in sets {
                *slot = base.map_or_else(|| set.count(), |b| b.count_and(set));
            }
        };
        let mut counts = FacetCounts::zeroed();
        counts_for(Facet::Age, &mut counts.age.iter_mut().map(|(_, n)| n).zip(&self.age));
        counts_for(Facet::Platform, &mut counts.platform.iter_mut().map(|(_, n)| n).zip(&self.platform));
        counts_for(Facet::Category, &mut counts.category.iter_mut().map(|(_, n)| n).zip(&self.category));
        counts_for(Facet::Price, &mut counts.price.iter_mut().map(|(_, n)| n).zip([&self.free, &self.paid]));
        counts_for(Facet::NoAds, &mut std::iter::once((&mut counts.no_ads, &self.no_ads)));
        counts_for(
            Facet::NoInAppPurchases,
            &mut std::iter::once((&mut counts.no_in_app_purchases, &self.no_in_app_purchases)),
        );
        counts_for(
            Facet::NoDataCollection,
            &mut std::iter::once((&mut counts.no_data_collection, &self.no_data_collection)),
        );
        counts_for(Facet::Chat, &mut counts.chat.iter_mut().map(|(_, n)| n).zip(&self.chat));
        for ((check, n), set) in counts.checks.iter_mut().zip(&self.checks) {
            counts_for(Facet::of_check(*check), &mut std::iter::once((n, set)));
        }
        counts_for(Facet::Language, &mut counts.language.iter_mut().map(|(_, n)| n).zip(&self.language));
        counts_for(Facet::Accessibility, &mut counts.accessibility.iter_mut().map(|(_, n)| n).zip(&self.accessibility));
        counts_for(Facet::Subject, &mut counts.subject.iter_mut().map(|(_, n)| n).zip(&self.subject));
        (apps, total, counts)
    }

    /// A scan of every entry (this is the fallback when search is down, not a hot path).
    fn search_text(&self, words: &[String], query: &CatalogQuery) -> (Vec<App>, u64, FacetCounts) {
        if words.is_empty() {
            return self.list(query);
        }
        let contains_all = |app: &App| {
            let haystack = format!("{} {}", app.name, app.description).to_ascii_lowercase();
            words.iter().all(|w| haystack.contains(w.as_str()))
        };
        let matching = Bits::new(self.entries.len(), |i| contains_all(&self.entries[i].app));
        let mut facets = FacetCounts::zeroed();
        let mut total = 0;
        for (_, entry) in self.entries.iter().enumerate().filter(|(i, _)| matching.contains(*i)) {
            facets.add(query, &entry.app);
            total += query.matches(&entry.app) as u64;
        }
        let order = &self.orders[Self::position(SortOrder::ALL, query.sort)];
        let apps = order
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| matching.contains(i) && query.matches(&self.entries[i].app))
            .skip(query.offset() as usize)
            .take(query.per_page as usize)
            .map(|i| self.entries[i].app.clone())
            .collect();
        (apps, total, facets)
    }

    /// The apps at `level` or milder on `risk` (the filters `Risk::at_most` sets); None at the
    /// worst level (every app).
    fn at_most(&self, risk: Risk, level: u8) -> Option<Bits> {
        let mut query = CatalogQuery::default();
        risk.at_most(level, &mut query);
        intersect(
            Facet::ALL
                .iter()
                .filter_map(|&f| self.constraint(&query, f))
                .collect::<Vec<_>>()
                .iter()
                .map(|b| b.as_ref()),
        )
    }

    /// `domain::is_alternative` in bitsets: (any shared category) ∧ band ∧ (no worse on each
    /// risk) ∧ (better on some risk), then the first `limit` in the learning order.
    fn safer_alternatives(&self, app: &App, limit: usize) -> Vec<App> {
        let n = self.entries.len();
        let mut matching = Bits::empty(n);
        for &c in &app.categories {
            matching.or(&self.category[Self::position(Category::ALL, c)]);
        }
        matching.and(&self.age[Self::position(AgeBand::ALL, app.age_band())]);
        let mut better = Bits::empty(n);
        for risk in Risk::ALL {
            let level = risk.level(app);
            if let Some(no_worse) = self.at_most(risk, level) {
                matching.and(&no_worse);
            }
            if let Some(milder) = level.checked_sub(1).and_then(|l| self.at_most(risk, l)) {
                better.or(&milder);
            }
        }
        matching.and(&better);
        self.orders[Self::position(SortOrder::ALL, SortOrder::Learning)]
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| matching.contains(i))
            .take(limit)
            .map(|i| self.entries[i].app.clone())
            .collect()
    }

    fn similar(&self, app: &App, limit: usize) -> Vec<App> {
        let categories = Category::mask_of(&app.categories);
        let order = &self.orders[Self::position(SortOrder::ALL, SortOrder::TopRated)];
        order
            .iter()
            .map(|&i| &self.entries[i as usize])
            .filter(|e| {
                e.app.slug != app.slug && e.categories & categories != 0 && e.app.min_age.abs_diff(app.min_age) <= 2
            })
            .take(limit)
            .map(|e| e.app.clone())
            .collect()
    }
}
