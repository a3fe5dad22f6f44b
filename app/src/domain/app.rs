//! The catalog's central record: one app or game a parent might install.

use super::facts::{
    fact_changes, fact_list, money_line, AppFacts, Fact, FactChange, PriceModel, MAX_CONFLICTS, MAX_LEARN_CHARS,
    MAX_NOTE_CHARS,
};
use super::facts::{is_app_store_id, is_asin, is_play_package, is_web_url, ContentKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::named::facet_enum;

facet_enum!(
    /// Where an app runs.
    Platform {
        Ios => "ios", "iOS";
        Android => "android", "Android";
        Web => "web", "Web";
        Windows => "windows", "Windows";
        MacOs => "macos", "macOS";
        Kindle => "kindle", "Kindle Fire";
    }
);

facet_enum!(
    /// What an app is about; an app has one or more.
    Category {
        Education => "education", "Education";
        Games => "games", "Games";
        Creativity => "creativity", "Creativity";
        Reading => "reading", "Reading";
        Math => "math", "Math";
        Science => "science", "Science";
        Music => "music", "Music";
        Puzzles => "puzzles", "Puzzles";
        Stories => "stories", "Stories";
        Languages => "languages", "Languages";
        Coding => "coding", "Coding";
    }
);

/// The age groups the site is organised around. An app belongs to the band that holds its
/// youngest appropriate age.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AgeBand {
    Toddler,
    EarlyReader,
    Kid,
    Tween,
    Teen,
}

impl AgeBand {
    pub const ALL: &'static [AgeBand] =
        &[AgeBand::Toddler, AgeBand::EarlyReader, AgeBand::Kid, AgeBand::Tween, AgeBand::Teen];

    /// Inclusive range of youngest ages in this band.
    pub fn ages(self) -> (u8, u8) {
        match self {
            AgeBand::Toddler => (2, 4),
            AgeBand::EarlyReader => (5, 7),
            AgeBand::Kid => (8, 10),
            AgeBand::Tween => (11, 13),
            AgeBand::Teen => (14, MAX_AGE),
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            AgeBand::Toddler => "2-4",
            AgeBand::EarlyReader => "5-7",
            AgeBand::Kid => "8-10",
            AgeBand::Tween => "11-13",
            AgeBand::Teen => "14-18",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AgeBand::Toddler => "Ages 2–4",
            AgeBand::EarlyReader => "Ages 5–7",
            AgeBand::Kid => "Ages 8–10",
            AgeBand::Tween => "Ages 11–13",
            AgeBand::Teen => "Ages 14+",
        }
    }

    /// Accepts the band slug (`5-7`), `14+`, or a single age (`6` → 5–7).
    pub fn parse(text: &str) -> Option<Self> {
        if text == "14+" {
            return Some(AgeBand::Teen);
        }
        if let Some(band) = Self::ALL.iter().copied().find(|b| b.slug() == text) {
            return Some(band);
        }
        text.parse::<u8>().ok().and_then(Self::of_age)
    }

    pub fn of_age(age: u8) -> Option<Self> {
        Self::ALL.iter().copied().find(|b| {
            let (lo, hi) = b.ages();
            (lo..=hi).contains(&age)
        })
    }
}

pub const MIN_AGE: u8 = 2;
pub const MAX_AGE: u8 = 18;
pub const MAX_RATING: u8 = 5;

/// "Top rated" weighs an app's stars by how many parents gave them: its average as if it also
/// had `RATING_PRIOR_WEIGHT` ratings of `RATING_PRIOR_MEAN` stars (a Bayesian average), so one
/// 5★ review does not put an app above one with a hundred 4.8s. Pages show the plain average.
pub const RATING_PRIOR_MEAN: f64 = 3.5;
pub const RATING_PRIOR_WEIGHT: f64 = 5.0;

/// The rating every backend sorts by. The SQLite catalog computes the same expression in SQL
/// (`rating_score`, migration 0005), in the same order of operations, so the two agree to the
/// last bit.
pub fn rating_score(average: f32, count: u32) -> f64 {
    (f64::from(average) * f64::from(count) + RATING_PRIOR_MEAN * RATING_PRIOR_WEIGHT)
        / (f64::from(count) + RATING_PRIOR_WEIGHT)
}

/// Subjects past this many do not rank an app higher for learning.
pub const LEARNING_KEY_MAX_SUBJECTS: usize = 15;

/// "Best for learning" in one number: the learning rating first, then, between apps rated
/// alike, the one that teaches more subjects (`rating × 16 + subjects`, subjects capped at 15).
/// SQLite's generated `learning_key` column (migration 0007) computes the same.
pub fn learning_key(learning_rating: u8, subjects: usize) -> u16 {
    u16::from(learning_rating) * 16 + subjects.min(LEARNING_KEY_MAX_SUBJECTS) as u16
}

/// What an app does with a child's attention and data, in four yes/no answers: worked out from
/// its facts (`App::privacy`), never stored on their own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyFlags {
    pub ads: bool,
    pub in_app_purchases: bool,
    pub collects_data: bool,
    pub open_chat: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct App {
    /// URL identifier, unique across the catalog: lowercase ASCII letters, digits and dashes.
    pub slug: String,
    pub name: String,
    pub developer: String,
    pub description: String,
    pub platforms: Vec<Platform>,
    /// Price in US cents; 0 means free.
    pub price_cents: u32,
    pub categories: Vec<Category>,
    /// Youngest age the app is appropriate for, 2–18.
    pub min_age: u8,
    /// Oldest age the app is best for (None: no upper age), `min_age`–18.
    #[serde(default)]
    pub max_age: Option<u8>,
    /// How much a child learns, 0–5.
    pub learning_rating: u8,
    /// Content, interaction, privacy label, money, learning, our review, store facts, and
    /// where each came from.
    #[serde(default)]
    pub facts: AppFacts,
    /// Average of parents' star ratings, 0.0–5.0 (0 with no ratings).
    pub rating_avg: f32,
    pub rating_count: u32,
    pub released: NaiveDate,
    pub updated: NaiveDate,
}

impl App {
    /// What "top rated" sorts by: see `rating_score`.
    pub fn rating_score(&self) -> f64 {
        rating_score(self.rating_avg, self.rating_count)
    }

    /// What "best for learning" sorts by: see `learning_key`.
    pub fn learning_key(&self) -> u16 {
        learning_key(self.learning_rating, self.facts.learning.subjects.len())
    }

    /// Platforms and categories are sets: stores keep them sorted (declaration order) and
    /// without duplicates, so an app reads back exactly as it was normalized.
    pub fn normalize(&mut self) {
        self.platforms.sort();
        self.platforms.dedup();
        self.categories.sort();
        self.categories.dedup();
        let learning = &mut self.facts.learning;
        learning.subjects.sort();
        learning.subjects.dedup();
        let store = &mut self.facts.store;
        store.languages.sort();
        store.languages.dedup();
        store.accessibility.sort();
        store.accessibility.dedup();
    }

    /// Ads, purchases, personal data and open chat, as the filters and cards ask them.
    pub fn privacy(&self) -> PrivacyFlags {
        let facts = &self.facts;
        PrivacyFlags {
            ads: facts.money.ads != super::facts::Ads::None,
            in_app_purchases: facts.money.has_purchases(),
            collects_data: facts.privacy.collects_personal_data(),
            open_chat: facts.interaction.chat == super::facts::Chat::Open,
        }
    }

    /// What changed from `before` to this version. A change is dated the day its group was
    /// checked when this version brings a newer check than `before` had (the check found it),
    /// else `today` (an edit without a new check).
    pub fn fact_changes_since(&self, before: &App, today: NaiveDate) -> Vec<FactChange> {
        let (old, new) = (&before.facts.sources, &self.facts.sources);
        let on = |group| match (old.of(group).checked, new.of(group).checked) {
            (was, Some(checked)) if was.is_none_or(|was| checked > was) => checked.min(today),
            _ => today,
        };
        fact_changes(&before.fact_list(), &self.fact_list(), new, on)
    }

    /// Every safety, privacy and money fact, as `fact_changes` compares them.
    pub fn fact_list(&self) -> Vec<Fact> {
        fact_list(&self.facts, self.price_cents, self.min_age)
    }

    /// "What it really costs" in one line.
    pub fn money_line(&self) -> String {
        money_line(&self.facts.money, self.price_cents)
    }

    /// "Ages 5–9" with a best-for age, "Ages 5+" without.
    pub fn age_label(&self) -> String {
        match self.max_age {
            Some(max) if max > self.min_age => format!("Ages {}–{max}", self.min_age),
            _ => format!("Ages {}+", self.min_age),
        }
    }

    pub fn age_band(&self) -> AgeBand {
        AgeBand::of_age(self.min_age).unwrap_or(AgeBand::Teen)
    }

    pub fn is_free(&self) -> bool {
        self.price_cents == 0
    }

    /// True when the two versions of an app sit in exactly the same listings at the same place:
    /// every field that a filter, a facet count, a sort order, the similar-apps or the
    /// safer-alternatives choice reads is equal. (Description, developer, content ratings and
    /// the update date only show on the app's own card and page.)
    pub fn same_listing_fields(&self, other: &App) -> bool {
        self.slug == other.slug
            && self.name == other.name
            && self.platforms == other.platforms
            && self.price_cents == other.price_cents
            && self.categories == other.categories
            && self.min_age == other.min_age
            && self.learning_rating == other.learning_rating
            && self.privacy() == other.privacy()
            && self.rating_avg == other.rating_avg
            && self.rating_count == other.rating_count
            && self.released == other.released
            && self.facts.interaction.chat == other.facts.interaction.chat
            && self.facts.passed_checks() == other.facts.passed_checks()
            && self.facts.store.languages == other.facts.store.languages
            && self.facts.store.accessibility == other.facts.store.accessibility
            && self.facts.learning.subjects == other.facts.learning.subjects
    }

    pub fn price_label(&self) -> String {
        format_price(self.price_cents)
    }

    /// Checks the invariants every stored app must hold; names the first field that breaks one.
    pub fn validate(&self) -> Result<(), AppFieldError> {
        let fail = |field: &'static str, reason: &str| Err(AppFieldError { field, reason: reason.to_string() });
        if !is_valid_slug(&self.slug) {
            return fail("slug", "must be 1–80 lowercase letters, digits or dashes");
        }
        if self.name.trim().is_empty() || self.name.len() > 120 {
            return fail("name", "must be 1–120 characters");
        }
        if self.developer.trim().is_empty() || self.developer.len() > 120 {
            return fail("developer", "must be 1–120 characters");
        }
        if self.description.len() > 5000 {
            return fail("description", "must be at most 5000 characters");
        }
        if self.platforms.is_empty() {
            return fail("platforms", "needs at least one platform");
        }
        if self.categories.is_empty() {
            return fail("categories", "needs at least one category");
        }
        if !(MIN_AGE..=MAX_AGE).contains(&self.min_age) {
            return fail("min_age", "must be between 2 and 18");
        }
        if self.learning_rating > MAX_RATING {
            return fail("learning_rating", "must be between 0 and 5");
        }
        if let Some(max) = self.max_age {
            if !(self.min_age..=MAX_AGE).contains(&max) {
                return fail("max_age", "must be between the youngest age and 18");
            }
        }
        self.validate_facts()?;
        if !(0.0..=5.0).contains(&self.rating_avg) {
            return fail("rating_avg", "must be between 0 and 5");
        }
        if self.updated < self.released {
            return fail("updated", "must not be before the release date");
        }
        Ok(())
    }

    fn validate_facts(&self) -> Result<(), AppFieldError> {
        let fail = |field: &'static str, reason: &str| Err(AppFieldError { field, reason: reason.to_string() });
        let facts = &self.facts;
        for kind in ContentKind::ALL {
            let score = facts.content.get(*kind);
            if score.score > MAX_RATING {
                return fail(kind.slug(), "each content rating must be between 0 and 5");
            }
            if score.note.chars().count() > MAX_NOTE_CHARS || score.note.contains(['\n', '\r']) {
                return fail(kind.slug(), "a note is one line of at most 200 characters");
            }
        }
        if let Some((field, reason)) = facts.store.images.problem() {
            return fail(field, reason);
        }
        if let Some(url) = &facts.privacy.policy_url {
            if !is_web_url(url) {
                return fail("policy_url", "must be an https:// address");
            }
        }
        let money = &facts.money;
        match (money.model, self.price_cents > 0) {
            (PriceModel::PaidOnce, false) => return fail("price", "a paid-once app needs a price"),
            (PriceModel::Free | PriceModel::FreeWithPurchases | PriceModel::Subscription, true) => {
                return fail("price", "only a paid-once app has a price to download")
            }
            _ => {}
        }
        if (money.model == PriceModel::Subscription) != money.subscription_cents.is_some_and(|c| c > 0) {
            return fail("subscription", "a subscription price goes with (and only with) the subscription model");
        }
        if money.model == PriceModel::Free && money.has_purchases() {
            return fail("model", "a free app with purchases is \"free with in-app purchases\"");
        }
        if money.model == PriceModel::FreeWithPurchases && !money.purchases {
            return fail("purchases", "\"free with in-app purchases\" sells in-app purchases");
        }
        if (money.purchase_range.is_some() || money.loot_boxes) && !money.purchases {
            return fail("purchases", "a price range or loot boxes means the app sells in-app purchases");
        }
        if let Some(range) = money.purchase_range {
            if range.low == 0 || range.low > range.high || range.high > 100_000 {
                return fail("purchases", "purchases run from $0.01 up to at most $1000, cheapest first");
            }
        }
        if money.subscription_cents.is_some_and(|c| c > 100_000) {
            return fail("subscription", "must be at most $1000 a month");
        }
        if facts.learning.what_kids_learn.chars().count() > MAX_LEARN_CHARS {
            return fail("what_kids_learn", "must be at most 1000 characters");
        }
        if let Some(review) = &facts.review {
            if !(3..=6).contains(&review.need_to_know.len())
                || review.need_to_know.iter().any(|b| b.trim().is_empty() || b.chars().count() > MAX_NOTE_CHARS)
            {
                return fail("need_to_know", "3–6 points of 1–200 characters each");
            }
            if !(1..=5).contains(&review.verdict) {
                return fail("verdict", "must be between 1 and 5");
            }
            if review.reviewer.trim().is_empty() || review.reviewer.chars().count() > 80 {
                return fail("reviewer", "must be 1–80 characters");
            }
            if review.version.chars().count() > 40 {
                return fail("version", "must be at most 40 characters");
            }
        }
        let store = &facts.store;
        if store.app_store.as_deref().is_some_and(|id| !is_app_store_id(id)) {
            return fail("app_store", "the App Store id is 6–12 digits");
        }
        if store.google_play.as_deref().is_some_and(|id| !is_play_package(id)) {
            return fail("google_play", "a Google Play id is a package name like com.example.app");
        }
        if store.amazon.as_deref().is_some_and(|id| !is_asin(id)) {
            return fail("amazon", "an Amazon ASIN is 10 capital letters and digits");
        }
        if store.website.as_deref().is_some_and(|url| !is_web_url(url)) {
            return fail("website", "must be an https:// address");
        }
        if facts.conflicts.len() > MAX_CONFLICTS {
            return fail("conflicts", "at most 10 disagreeing sources");
        }
        let known = self.fact_list();
        for conflict in &facts.conflicts {
            if !known.iter().any(|f| f.key == conflict.fact) {
                return fail("conflicts", "names a fact the record does not have");
            }
            if conflict.says.trim().is_empty() || conflict.says.chars().count() > MAX_NOTE_CHARS {
                return fail("conflicts", "say what the other source says in 1–200 characters");
            }
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct AppFieldError {
    pub field: &'static str,
    pub reason: String,
}

pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

pub fn format_price(cents: u32) -> String {
    if cents == 0 {
        "Free".to_string()
    } else {
        format!("${}.{:02}", cents / 100, cents % 100)
    }
}

/// A star average with one decimal ("4.5"), without float formatting (hot in listing renders).
pub fn format_rating(avg: f32) -> String {
    let tenths = (avg * 10.0).round().max(0.0) as u32;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// A deterministic badge for an app: two initials on a colour derived from the slug, so every
/// app has a recognisable icon without storing images.
pub fn icon_badge(app_name: &str, slug: &str) -> (String, u16) {
    let initials: String = app_name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_alphanumeric())
        .take(2)
        .collect::<String>()
        .to_uppercase();
    let hue = slug.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32)) % 360;
    (initials, hue as u16)
}
