//! What a parent asks the catalog for, and its one URL form.
//!
//! `CatalogQuery::from_query_str` and `CatalogQuery::to_query_string` are the only places that
//! know the parameter names: the server renders from them, the browser navigates with them, so
//! both sides agree on what a URL means and a filtered list is always a shareable link.

use super::app::{AgeBand, App, Category, Platform, MAX_RATING};
use super::facts::{Accessibility, Chat, ChatLimit, Language, SafetyCheck, Subject};
use serde::{Deserialize, Serialize};

pub const DEFAULT_PER_PAGE: u32 = 24;
pub const MAX_PER_PAGE: u32 = 60;
pub const MAX_PAGE: u32 = 10_000;
/// Highest `max_price` accepted, in cents ($1000).
pub const MAX_PRICE_CENTS: u32 = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PriceFilter {
    Free,
    Paid,
}

impl PriceFilter {
    pub const ALL: &'static [PriceFilter] = &[PriceFilter::Free, PriceFilter::Paid];

    pub fn slug(self) -> &'static str {
        match self {
            PriceFilter::Free => "free",
            PriceFilter::Paid => "paid",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PriceFilter::Free => "Free",
            PriceFilter::Paid => "Paid",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SortOrder {
    #[default]
    TopRated,
    Newest,
    Name,
    Learning,
}

impl SortOrder {
    pub const ALL: &'static [SortOrder] =
        &[SortOrder::TopRated, SortOrder::Newest, SortOrder::Name, SortOrder::Learning];

    pub fn slug(self) -> &'static str {
        match self {
            SortOrder::TopRated => "top",
            SortOrder::Newest => "new",
            SortOrder::Name => "name",
            SortOrder::Learning => "learning",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortOrder::TopRated => "Top rated",
            SortOrder::Newest => "Newest",
            SortOrder::Name => "Name (A–Z)",
            SortOrder::Learning => "Most learning",
        }
    }
}

/// Filters, sort and page of a catalog listing. Every filter is optional; all given filters
/// must hold for an app to be listed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CatalogQuery {
    pub age: Option<AgeBand>,
    pub platform: Option<Platform>,
    pub category: Option<Category>,
    pub price: Option<PriceFilter>,
    /// Highest price in cents, inclusive.
    pub max_price_cents: Option<u32>,
    pub no_ads: bool,
    pub no_in_app_purchases: bool,
    pub no_data_collection: bool,
    pub min_learning: Option<u8>,
    /// The most chat allowed (`chat`).
    #[serde(default)]
    pub chat: Option<ChatLimit>,
    /// The `SafetyCheck`s every app must pass, as a mask of `SafetyCheck::bit` (each is its
    /// own URL flag: `no_tracking=1`).
    #[serde(default)]
    pub checks: u16,
    #[serde(default)]
    pub language: Option<Language>,
    #[serde(default)]
    pub accessibility: Option<Accessibility>,
    #[serde(default)]
    pub subject: Option<Subject>,
    pub sort: SortOrder,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

impl Default for CatalogQuery {
    fn default() -> Self {
        CatalogQuery {
            age: None,
            platform: None,
            category: None,
            price: None,
            max_price_cents: None,
            no_ads: false,
            no_in_app_purchases: false,
            no_data_collection: false,
            min_learning: None,
            chat: None,
            checks: 0,
            language: None,
            accessibility: None,
            subject: None,
            sort: SortOrder::default(),
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// A query parameter that could not be understood; shown to the user as a 400.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("invalid value {value:?} for parameter `{param}`: {expected}")]
pub struct QueryError {
    pub param: String,
    pub value: String,
    pub expected: String,
}

fn bad(param: &str, value: &str, expected: impl Into<String>) -> QueryError {
    QueryError { param: param.to_string(), value: value.to_string(), expected: expected.into() }
}

fn one_of<T: Copy>(all: &[T], slug: impl Fn(T) -> &'static str) -> String {
    let names: Vec<_> = all.iter().map(|v| slug(*v)).collect();
    format!("expected one of {}", names.join(", "))
}

fn parse_flag(param: &str, value: &str) -> Result<bool, QueryError> {
    match value {
        "1" | "true" | "on" | "yes" => Ok(true),
        "0" | "false" | "off" | "no" => Ok(false),
        _ => Err(bad(param, value, "expected 1 or 0")),
    }
}

/// Parses "4.99", "5" or "$5" into cents.
fn parse_dollars(param: &str, value: &str) -> Result<u32, QueryError> {
    let err = || bad(param, value, "expected a price in dollars, like 4.99");
    let text = value.trim_start_matches('$');
    let (whole, frac) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    if whole.is_empty() || whole.len() > 6 || frac.len() > 2 {
        return Err(err());
    }
    if !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(err());
    }
    let dollars: u32 = whole.parse().map_err(|_| err())?;
    let cents: u32 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().map_err(|_| err())? };
    let total = dollars.checked_mul(100).and_then(|c| c.checked_add(cents)).ok_or_else(err)?;
    if total > MAX_PRICE_CENTS {
        return Err(bad(param, value, "expected at most 1000"));
    }
    Ok(total)
}

impl CatalogQuery {
    /// Parses a URL query string (with or without the leading `?`). Empty values count as
    /// absent (a plain GET form sends every field); unknown parameters are ignored so tracking
    /// tags on shared links do not break the page; a known parameter with a bad value or given
    /// twice is an error naming it.
    pub fn from_query_str(query: &str) -> Result<Self, QueryError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let pairs = form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned()));
        Self::from_pairs(pairs)
    }

    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Result<Self, QueryError> {
        let mut q = CatalogQuery::default();
        let mut seen: Vec<String> = Vec::new();
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let known = matches!(
                key.as_str(),
                "age"
                    | "platform"
                    | "category"
                    | "price"
                    | "max_price"
                    | "no_ads"
                    | "no_iap"
                    | "no_data"
                    | "min_learning"
                    | "chat"
                    | "lang"
                    | "a11y"
                    | "subject"
                    | "sort"
                    | "page"
            ) || SafetyCheck::from_slug(&key).is_some();
            if !known {
                continue;
            }
            if seen.contains(&key) {
                return Err(bad(&key, value, "given more than once"));
            }
            seen.push(key.clone());
            match key.as_str() {
                "age" => {
                    q.age = Some(AgeBand::parse(value).ok_or_else(|| {
                        bad(&key, value, "expected an age band (2-4, 5-7, 8-10, 11-13, 14-18) or an age from 2 to 18")
                    })?)
                }
                "platform" => {
                    q.platform = Some(
                        Platform::from_slug(value)
                            .ok_or_else(|| bad(&key, value, one_of(Platform::ALL, Platform::slug)))?,
                    )
                }
                "category" => {
                    q.category = Some(
                        Category::from_slug(value)
                            .ok_or_else(|| bad(&key, value, one_of(Category::ALL, Category::slug)))?,
                    )
                }
                "price" => {
                    q.price = Some(
                        PriceFilter::ALL
                            .iter()
                            .copied()
                            .find(|p| p.slug() == value)
                            .ok_or_else(|| bad(&key, value, "expected free or paid"))?,
                    )
                }
                "max_price" => q.max_price_cents = Some(parse_dollars(&key, value)?),
                "no_ads" => q.no_ads = parse_flag(&key, value)?,
                "no_iap" => q.no_in_app_purchases = parse_flag(&key, value)?,
                "no_data" => q.no_data_collection = parse_flag(&key, value)?,
                "min_learning" => {
                    let n: u8 = value
                        .parse()
                        .ok()
                        .filter(|n| *n <= MAX_RATING)
                        .ok_or_else(|| bad(&key, value, "expected a whole number from 0 to 5"))?;
                    q.min_learning = (n > 0).then_some(n);
                }
                "chat" => {
                    q.chat = Some(
                        ChatLimit::from_slug(value).ok_or_else(|| bad(&key, value, "expected none or moderated"))?,
                    )
                }
                "lang" => {
                    q.language = Some(
                        Language::from_slug(value)
                            .ok_or_else(|| bad(&key, value, one_of(Language::ALL, Language::slug)))?,
                    )
                }
                "a11y" => {
                    q.accessibility = Some(
                        Accessibility::from_slug(value)
                            .ok_or_else(|| bad(&key, value, one_of(Accessibility::ALL, Accessibility::slug)))?,
                    )
                }
                "subject" => {
                    q.subject = Some(
                        Subject::from_slug(value)
                            .ok_or_else(|| bad(&key, value, one_of(Subject::ALL, Subject::slug)))?,
                    )
                }
                "sort" => {
                    q.sort = SortOrder::ALL
                        .iter()
                        .copied()
                        .find(|s| s.slug() == value)
                        .ok_or_else(|| bad(&key, value, one_of(SortOrder::ALL, SortOrder::slug)))?
                }
                "page" => {
                    q.page = value
                        .parse()
                        .ok()
                        .filter(|p| (1..=MAX_PAGE).contains(p))
                        .ok_or_else(|| bad(&key, value, format!("expected a page number from 1 to {MAX_PAGE}")))?
                }
                check => {
                    // `known` let through only the keys above and the checks' slugs.
                    let bit = SafetyCheck::from_slug(check).map_or(0, SafetyCheck::bit);
                    if parse_flag(&key, value)? {
                        q.checks |= bit;
                    }
                }
            }
        }
        Ok(q)
    }

    /// The canonical query string (no leading `?`): only non-default values, in a fixed order,
    /// so one listing has one URL.
    pub fn to_query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if let Some(age) = self.age {
            out.append_pair("age", age.slug());
        }
        if let Some(p) = self.platform {
            out.append_pair("platform", p.slug());
        }
        if let Some(c) = self.category {
            out.append_pair("category", c.slug());
        }
        if let Some(p) = self.price {
            out.append_pair("price", p.slug());
        }
        if let Some(text) = self.max_price_text() {
            out.append_pair("max_price", &text);
        }
        if self.no_ads {
            out.append_pair("no_ads", "1");
        }
        if self.no_in_app_purchases {
            out.append_pair("no_iap", "1");
        }
        if self.no_data_collection {
            out.append_pair("no_data", "1");
        }
        if let Some(n) = self.min_learning {
            out.append_pair("min_learning", &n.to_string());
        }
        if let Some(chat) = self.chat {
            out.append_pair("chat", chat.slug());
        }
        for check in SafetyCheck::from_mask(self.checks) {
            out.append_pair(check.slug(), "1");
        }
        if let Some(language) = self.language {
            out.append_pair("lang", language.slug());
        }
        if let Some(feature) = self.accessibility {
            out.append_pair("a11y", feature.slug());
        }
        if let Some(subject) = self.subject {
            out.append_pair("subject", subject.slug());
        }
        if self.sort != SortOrder::default() {
            out.append_pair("sort", self.sort.slug());
        }
        if self.page != 1 {
            out.append_pair("page", &self.page.to_string());
        }
        out.finish()
    }

    /// `max_price` as written in the URL and the form: "5" or "4.99".
    pub fn max_price_text(&self) -> Option<String> {
        self.max_price_cents.map(|cents| {
            if cents % 100 == 0 {
                format!("{}", cents / 100)
            } else {
                format!("{}.{:02}", cents / 100, cents % 100)
            }
        })
    }

    /// The browse page URL for this query.
    pub fn href(&self) -> String {
        let qs = self.to_query_string();
        if qs.is_empty() {
            "/apps".to_string()
        } else {
            format!("/apps?{qs}")
        }
    }

    /// The same query on another page.
    pub fn with_page(&self, page: u32) -> Self {
        CatalogQuery { page, ..self.clone() }
    }

    /// The same query with a filter changed; any change of filters goes back to page 1.
    pub fn with(&self, change: impl FnOnce(&mut CatalogQuery)) -> Self {
        let mut q = self.clone();
        change(&mut q);
        q.page = 1;
        q
    }

    /// Clamps what only the server may decide (page size) after a query arrives from outside.
    pub fn sanitized(mut self) -> Self {
        self.per_page = self.per_page.clamp(1, MAX_PER_PAGE);
        self.page = self.page.clamp(1, MAX_PAGE);
        self.min_learning = self.min_learning.filter(|n| (1..=MAX_RATING).contains(n));
        self.max_price_cents = self.max_price_cents.map(|c| c.min(MAX_PRICE_CENTS));
        self.checks &= SafetyCheck::mask_of(SafetyCheck::ALL);
        self
    }

    pub fn requires(&self, check: SafetyCheck) -> bool {
        self.checks & check.bit() != 0
    }

    /// The same query with `check` required or not.
    pub fn with_check(&self, check: SafetyCheck, on: bool) -> Self {
        self.with(|q| if on { q.checks |= check.bit() } else { q.checks &= !check.bit() })
    }

    pub fn offset(&self) -> u64 {
        (self.page.saturating_sub(1) as u64) * self.per_page as u64
    }

    pub fn has_filters(&self) -> bool {
        let bare = CatalogQuery { sort: self.sort, page: self.page, per_page: self.per_page, ..Default::default() };
        *self != bare
    }

    /// Whether `app` passes every filter except those of `ignoring` (used for facet counts,
    /// which show what each value of a facet would give with the other filters kept).
    pub fn matches_except(&self, app: &App, ignoring: Option<Facet>) -> bool {
        self.fields_match_except(&FilterFields::of(app), ignoring)
    }

    pub fn matches(&self, app: &App) -> bool {
        self.matches_except(app, None)
    }

    /// `matches_except` on the filtered fields alone (what a search index keeps of an app).
    pub fn fields_match_except(&self, fields: &FilterFields, ignoring: Option<Facet>) -> bool {
        self.failing_facets(fields) & !ignoring.map_or(0, Facet::bit) == 0
    }

    /// Whether the query filters on this facet (its counts then need the other filters only).
    pub fn constrains(&self, facet: Facet) -> bool {
        match facet {
            Facet::Age => self.age.is_some(),
            Facet::Platform => self.platform.is_some(),
            Facet::Category => self.category.is_some(),
            Facet::Price => self.price.is_some() || self.max_price_cents.is_some(),
            Facet::NoAds => self.no_ads,
            Facet::NoInAppPurchases => self.no_in_app_purchases,
            Facet::NoDataCollection => self.no_data_collection,
            Facet::Learning => self.min_learning.is_some(),
            Facet::Chat => self.chat.is_some(),
            Facet::Language => self.language.is_some(),
            Facet::Accessibility => self.accessibility.is_some(),
            Facet::Subject => self.subject.is_some(),
            check => check.safety_check().is_some_and(|c| self.requires(c)),
        }
    }

    /// The facets whose filter `fields` fails, as a mask of `Facet::bit`.
    pub fn failing_facets(&self, fields: &FilterFields) -> u32 {
        Facet::ALL.iter().filter(|&&f| !self.matches_facet(f, fields)).fold(0, |mask, f| mask | f.bit())
    }

    fn matches_facet(&self, facet: Facet, app: &FilterFields) -> bool {
        match facet {
            Facet::Age => self.age.is_none_or(|b| app.age_band == b),
            Facet::Platform => self.platform.is_none_or(|p| app.platforms & p.bit() != 0),
            Facet::Category => self.category.is_none_or(|c| app.categories & c.bit() != 0),
            Facet::Price => {
                self.price.is_none_or(|p| (p == PriceFilter::Free) == (app.price_cents == 0))
                    && self.max_price_cents.is_none_or(|m| app.price_cents <= m)
            }
            Facet::NoAds => !self.no_ads || !app.ads,
            Facet::NoInAppPurchases => !self.no_in_app_purchases || !app.in_app_purchases,
            Facet::NoDataCollection => !self.no_data_collection || !app.collects_data,
            Facet::Learning => self.min_learning.is_none_or(|m| app.learning_rating >= m),
            Facet::Chat => self.chat.is_none_or(|limit| limit.allows(app.chat)),
            Facet::Language => self.language.is_none_or(|l| app.languages & l.bit() != 0),
            Facet::Accessibility => self.accessibility.is_none_or(|a| app.accessibility & a.bit() != 0),
            Facet::Subject => self.subject.is_none_or(|s| app.subjects & s.bit() != 0),
            check => check.safety_check().is_none_or(|c| !self.requires(c) || app.checks & c.bit() != 0),
        }
    }
}

/// The fields of an app that filters and facet counts read, in a compact form (sets as the
/// bit masks of `Platform::bit` and `Category::bit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FilterFields {
    pub age_band: AgeBand,
    pub platforms: u16,
    pub categories: u16,
    pub price_cents: u32,
    pub ads: bool,
    pub in_app_purchases: bool,
    pub collects_data: bool,
    pub learning_rating: u8,
    pub chat: Chat,
    /// The `SafetyCheck`s the app passes (`AppFacts::passed_checks`).
    pub checks: u16,
    pub languages: u16,
    pub accessibility: u16,
    pub subjects: u16,
}

impl FilterFields {
    pub fn of(app: &App) -> FilterFields {
        FilterFields {
            age_band: app.age_band(),
            platforms: Platform::mask_of(&app.platforms),
            categories: Category::mask_of(&app.categories),
            price_cents: app.price_cents,
            ads: app.privacy().ads,
            in_app_purchases: app.privacy().in_app_purchases,
            collects_data: app.privacy().collects_data,
            learning_rating: app.learning_rating,
            chat: app.facts.interaction.chat,
            checks: app.facts.passed_checks(),
            languages: Language::mask_of(&app.facts.store.languages),
            accessibility: Accessibility::mask_of(&app.facts.store.accessibility),
            subjects: Subject::mask_of(&app.facts.learning.subjects),
        }
    }
}

/// Each yes/no check and the facet that filters on it (one table, read both ways).
const CHECK_FACETS: [(SafetyCheck, Facet); 6] = [
    (SafetyCheck::NoLocation, Facet::NoLocation),
    (SafetyCheck::NoTracking, Facet::NoTracking),
    (SafetyCheck::NoSubscription, Facet::NoSubscription),
    (SafetyCheck::NoLootBoxes, Facet::NoLootBoxes),
    (SafetyCheck::NoThirdPartyAds, Facet::NoThirdPartyAds),
    (SafetyCheck::Offline, Facet::Offline),
];

/// The independent filter dimensions of a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Facet {
    Age,
    Platform,
    Category,
    Price,
    NoAds,
    NoInAppPurchases,
    NoDataCollection,
    Learning,
    Chat,
    NoLocation,
    NoTracking,
    NoSubscription,
    NoLootBoxes,
    NoThirdPartyAds,
    Offline,
    Language,
    Accessibility,
    Subject,
}

impl Facet {
    pub fn bit(self) -> u32 {
        1 << (self as u32)
    }

    pub const ALL: &'static [Facet] = &[
        Facet::Age,
        Facet::Platform,
        Facet::Category,
        Facet::Price,
        Facet::NoAds,
        Facet::NoInAppPurchases,
        Facet::NoDataCollection,
        Facet::Learning,
        Facet::Chat,
        Facet::NoLocation,
        Facet::NoTracking,
        Facet::NoSubscription,
        Facet::NoLootBoxes,
        Facet::NoThirdPartyAds,
        Facet::Offline,
        Facet::Language,
        Facet::Accessibility,
        Facet::Subject,
    ];

    /// The yes/no check this facet filters on, for the facets that are one.
    pub fn safety_check(self) -> Option<SafetyCheck> {
        CHECK_FACETS.iter().find(|(_, facet)| *facet == self).map(|(check, _)| *check)
    }

    pub fn of_check(check: SafetyCheck) -> Facet {
        CHECK_FACETS.iter().find(|(c, _)| *c == check).map_or(Facet::NoLocation, |(_, facet)| *facet)
    }
}
