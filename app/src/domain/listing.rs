//! What a catalog listing returns: one page of apps, the total, and facet counts.

use super::app::{AgeBand, App, Category, Platform};
use super::facts::{Accessibility, ChatLimit, Language, SafetyCheck, Subject};
use super::query::{CatalogQuery, Facet, FilterFields, PriceFilter};
use serde::{Deserialize, Serialize};

/// What an app card shows: pages that list apps send these, not whole apps, to keep the
/// hydration payload small.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppSummary {
    pub slug: String,
    pub name: String,
    pub developer: String,
    pub min_age: u8,
    pub price_cents: u32,
    pub rating_avg: f32,
    pub rating_count: u32,
    pub ads: bool,
    pub in_app_purchases: bool,
    /// "What it really costs" in one line.
    pub money_line: String,
    /// The worst thing the app does to a child, if any (`AppFacts::worst_risk`).
    pub worst_risk: Option<String>,
    /// The app's icon, when it has one (else the card draws its initials).
    pub icon: Option<super::media::Image>,
}

impl From<App> for AppSummary {
    fn from(app: App) -> Self {
        let flags = app.privacy();
        let (money_line, worst_risk) = (app.money_line(), app.facts.worst_risk().map(String::from));
        AppSummary {
            icon: app.facts.store.images.icon.clone(),
            slug: app.slug,
            name: app.name,
            developer: app.developer,
            min_age: app.min_age,
            price_cents: app.price_cents,
            rating_avg: app.rating_avg,
            rating_count: app.rating_count,
            ads: flags.ads,
            in_app_purchases: flags.in_app_purchases,
            money_line,
            worst_risk,
        }
    }
}

pub fn summaries(apps: Vec<App>) -> Vec<AppSummary> {
    apps.into_iter().map(AppSummary::from).collect()
}

/// One page of a listing: whole apps from the store, summaries on the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppPage<T = App> {
    pub apps: Vec<T>,
    /// Apps matching every filter, over all pages.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub facets: FacetCounts,
}

impl<T> AppPage<T> {
    pub fn summarized(self) -> AppPage<AppSummary>
    where
        AppSummary: From<T>,
    {
        AppPage {
            apps: self.apps.into_iter().map(AppSummary::from).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
            facets: self.facets,
        }
    }

    pub fn page_count(&self) -> u32 {
        page_count(self.total, self.per_page)
    }
}

/// Pages needed for `total` items, `per_page` to a page.
pub fn page_count(total: u64, per_page: u32) -> u32 {
    total.div_ceil(per_page.max(1) as u64).min(u32::MAX as u64) as u32
}

/// For each value of a facet: how many apps match the other filters and have that value —
/// what the list would hold if the parent picked it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCounts {
    pub age: Vec<(AgeBand, u64)>,
    pub platform: Vec<(Platform, u64)>,
    pub category: Vec<(Category, u64)>,
    pub price: Vec<(PriceFilter, u64)>,
    pub no_ads: u64,
    pub no_in_app_purchases: u64,
    pub no_data_collection: u64,
    pub chat: Vec<(ChatLimit, u64)>,
    /// Apps passing each `SafetyCheck`.
    pub checks: Vec<(SafetyCheck, u64)>,
    pub language: Vec<(Language, u64)>,
    pub accessibility: Vec<(Accessibility, u64)>,
    pub subject: Vec<(Subject, u64)>,
}

impl FacetCounts {
    /// Sets one facet's counts from `values`, given in display order (`zeroed`'s), as stores
    /// that count with one expression per value read them back.
    pub fn set(&mut self, facet: Facet, values: &[u64]) {
        fn fill<T>(slots: &mut [(T, u64)], values: &[u64]) {
            for (slot, v) in slots.iter_mut().zip(values) {
                slot.1 = *v;
            }
        }
        let first = values.first().copied().unwrap_or(0);
        match facet {
            Facet::Age => fill(&mut self.age, values),
            Facet::Platform => fill(&mut self.platform, values),
            Facet::Category => fill(&mut self.category, values),
            Facet::Price => fill(&mut self.price, values),
            Facet::NoAds => self.no_ads = first,
            Facet::NoInAppPurchases => self.no_in_app_purchases = first,
            Facet::NoDataCollection => self.no_data_collection = first,
            Facet::Learning => {}
            Facet::Chat => fill(&mut self.chat, values),
            Facet::Language => fill(&mut self.language, values),
            Facet::Accessibility => fill(&mut self.accessibility, values),
            Facet::Subject => fill(&mut self.subject, values),
            check => {
                if let Some(slot) = check.safety_check().and_then(|c| self.checks.iter_mut().find(|(v, _)| *v == c)) {
                    slot.1 = first;
                }
            }
        }
    }

    /// All values present with a count of zero, in display order.
    pub fn zeroed() -> Self {
        FacetCounts {
            age: AgeBand::ALL.iter().map(|&b| (b, 0)).collect(),
            platform: Platform::ALL.iter().map(|&p| (p, 0)).collect(),
            category: Category::ALL.iter().map(|&c| (c, 0)).collect(),
            price: PriceFilter::ALL.iter().map(|&p| (p, 0)).collect(),
            no_ads: 0,
            no_in_app_purchases: 0,
            no_data_collection: 0,
            chat: ChatLimit::ALL.iter().map(|&c| (c, 0)).collect(),
            checks: SafetyCheck::ALL.iter().map(|&c| (c, 0)).collect(),
            language: Language::ALL.iter().map(|&l| (l, 0)).collect(),
            accessibility: Accessibility::ALL.iter().map(|&a| (a, 0)).collect(),
            subject: Subject::ALL.iter().map(|&s| (s, 0)).collect(),
        }
    }

    /// Adds one app to the counts. The reference definition of facet counting: stores may
    /// compute it any way they like but must agree with this.
    pub fn add(&mut self, query: &CatalogQuery, app: &App) {
        self.add_fields(query, &FilterFields::of(app));
    }

    /// Adds one app's filter fields; returns whether the app passes every filter (each filter
    /// is evaluated once: a facet is counted when no filter but its own fails).
    pub fn add_fields(&mut self, query: &CatalogQuery, app: &FilterFields) -> bool {
        let failing = query.failing_facets(app);
        let open = |facet: Facet| failing & !facet.bit() == 0;
        if open(Facet::Age) {
            bump(&mut self.age, app.age_band);
        }
        if open(Facet::Platform) {
            bump_bits(&mut self.platform, app.platforms);
        }
        if open(Facet::Category) {
            bump_bits(&mut self.category, app.categories);
        }
        if open(Facet::Price) {
            bump(&mut self.price, if app.price_cents == 0 { PriceFilter::Free } else { PriceFilter::Paid });
        }
        if !app.ads && open(Facet::NoAds) {
            self.no_ads += 1;
        }
        if !app.in_app_purchases && open(Facet::NoInAppPurchases) {
            self.no_in_app_purchases += 1;
        }
        if !app.collects_data && open(Facet::NoDataCollection) {
            self.no_data_collection += 1;
        }
        if open(Facet::Chat) {
            for (limit, n) in &mut self.chat {
                *n += u64::from(limit.allows(app.chat));
            }
        }
        for (check, n) in &mut self.checks {
            if app.checks & check.bit() != 0 && open(Facet::of_check(*check)) {
                *n += 1;
            }
        }
        if open(Facet::Language) {
            bump_bits(&mut self.language, app.languages);
        }
        if open(Facet::Accessibility) {
            bump_bits(&mut self.accessibility, app.accessibility);
        }
        if open(Facet::Subject) {
            bump_bits(&mut self.subject, app.subjects);
        }
        failing == 0
    }

    /// Adds counts made over another part of the catalog.
    pub fn merge(&mut self, other: &FacetCounts) {
        fn sum<T: PartialEq + Copy>(into: &mut [(T, u64)], from: &[(T, u64)]) {
            for &(value, n) in from {
                if let Some(slot) = into.iter_mut().find(|(v, _)| *v == value) {
                    slot.1 += n;
                }
            }
        }
        sum(&mut self.age, &other.age);
        sum(&mut self.platform, &other.platform);
        sum(&mut self.category, &other.category);
        sum(&mut self.price, &other.price);
        self.no_ads += other.no_ads;
        self.no_in_app_purchases += other.no_in_app_purchases;
        self.no_data_collection += other.no_data_collection;
        sum(&mut self.chat, &other.chat);
        sum(&mut self.checks, &other.checks);
        sum(&mut self.language, &other.language);
        sum(&mut self.accessibility, &other.accessibility);
        sum(&mut self.subject, &other.subject);
    }

    pub fn count_of<T: PartialEq + Copy>(values: &[(T, u64)], value: T) -> u64 {
        values.iter().find(|(v, _)| *v == value).map_or(0, |(_, n)| *n)
    }
}

fn bump<T: PartialEq>(counts: &mut [(T, u64)], value: T) {
    if let Some(entry) = counts.iter_mut().find(|(v, _)| *v == value) {
        entry.1 += 1;
    }
}

/// Counts one for every value whose bit is set in `mask`. `counts` holds the values in
/// declaration order (as `zeroed` makes them), so bit `i` is slot `i`.
fn bump_bits<T>(counts: &mut [(T, u64)], mut mask: u16) {
    while mask != 0 {
        if let Some((_, n)) = counts.get_mut(mask.trailing_zeros() as usize) {
            *n += 1;
        }
        mask &= mask - 1;
    }
}

/// The home page: picks per age band, top rated and newest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HomeShelves {
    /// Rising this week, per age band (bands with none left out); empty until
    /// `refresh_trending` has run, or while its store is down.
    pub rising: Vec<(AgeBand, Vec<AppSummary>)>,
    pub by_age: Vec<(AgeBand, Vec<AppSummary>)>,
    pub top_rated: Vec<AppSummary>,
    pub newest: Vec<AppSummary>,
    pub total_apps: u64,
}

/// One app and the apps a parent who likes it might also consider.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppDetail {
    pub app: App,
    pub similar: Vec<AppSummary>,
    /// The app's recorded fact changes, newest first (at most `CHANGES_SHOWN`).
    pub changes: Vec<super::facts::FactChange>,
    /// "Same idea, fewer risks" (`domain::alternatives`), best for learning first.
    pub alternatives: Vec<Alternative>,
}

/// A safer alternative as its card shows it: the app and what it does better
/// (`domain::improvements`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    pub app: AppSummary,
    pub better: Vec<String>,
}
