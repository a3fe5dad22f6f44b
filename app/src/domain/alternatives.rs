//! "Same idea, fewer risks": the apps a parent could choose instead of one. An alternative
//! shares a category and the age band with the app, is better on at least one of four risks
//! (ads, purchases, tracking, chat) and worse on none.
//!
//! Each risk has three levels, mildest first, and each level is one of the catalog's existing
//! filters, so every backend answers "at most this level" with a query it already runs.

use super::app::App;
use super::facts::{Ads, Chat, ChatLimit, SafetyCheck};
use super::query::{CatalogQuery, SortOrder};
use std::cmp::Ordering;

/// How many alternatives an app page shows.
pub const ALTERNATIVES_COUNT: usize = 6;

/// The worst level of a risk.
pub const WORST_LEVEL: u8 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Risk {
    /// None, the maker's own only, third-party (or rewarded video).
    Ads,
    /// Nothing to buy, purchases or a subscription, loot boxes.
    Purchases,
    /// No personal data, data linked to the child, tracking.
    Tracking,
    /// None, preset phrases or moderated, open.
    Chat,
}

impl Risk {
    pub const ALL: [Risk; 4] = [Risk::Ads, Risk::Purchases, Risk::Tracking, Risk::Chat];

    /// 0 (none) to `WORST_LEVEL`.
    pub fn level(self, app: &App) -> u8 {
        let facts = &app.facts;
        match self {
            Risk::Ads => match facts.money.ads {
                Ads::None => 0,
                Ads::OwnOnly => 1,
                Ads::ThirdParty | Ads::RewardedVideo => 2,
            },
            Risk::Purchases if facts.money.loot_boxes => 2,
            Risk::Purchases => u8::from(facts.money.has_purchases()),
            Risk::Tracking if facts.privacy.tracks() => 2,
            Risk::Tracking => u8::from(facts.privacy.collects_personal_data()),
            Risk::Chat => match facts.interaction.chat {
                Chat::None => 0,
                Chat::Preset | Chat::Moderated => 1,
                Chat::Open => 2,
            },
        }
    }

    /// What an app at `level` can say it has, for a chip ("No ads").
    pub fn chip(self, level: u8) -> &'static str {
        match (self, level) {
            (Risk::Ads, 0) => "No ads",
            (Risk::Ads, _) => "No third-party ads",
            (Risk::Purchases, 0) => "Nothing to buy",
            (Risk::Purchases, _) => "No loot boxes",
            (Risk::Tracking, 0) => "Collects no personal data",
            (Risk::Tracking, _) => "No tracking",
            (Risk::Chat, 0) => "No chat",
            (Risk::Chat, _) => "No open chat",
        }
    }

    /// Narrows `query` to the apps at `level` or milder (at `WORST_LEVEL`, every app).
    pub fn at_most(self, level: u8, query: &mut CatalogQuery) {
        match (self, level) {
            (_, WORST_LEVEL..) => {}
            (Risk::Ads, 0) => query.no_ads = true,
            (Risk::Ads, _) => query.checks |= SafetyCheck::NoThirdPartyAds.bit(),
            (Risk::Purchases, 0) => query.no_in_app_purchases = true,
            (Risk::Purchases, _) => query.checks |= SafetyCheck::NoLootBoxes.bit(),
            (Risk::Tracking, 0) => query.no_data_collection = true,
            (Risk::Tracking, _) => query.checks |= SafetyCheck::NoTracking.bit(),
            (Risk::Chat, 0) => query.chat = Some(ChatLimit::None),
            (Risk::Chat, _) => {
                if query.chat.is_none() {
                    query.chat = Some(ChatLimit::Moderated);
                }
            }
        }
    }
}

/// What `other` does better than `app`, one chip per risk; empty when it is no better.
pub fn improvements(other: &App, app: &App) -> Vec<&'static str> {
    Risk::ALL.iter().filter(|r| r.level(other) < r.level(app)).map(|r| r.chip(r.level(other))).collect()
}

/// True when the app has any of the four risks.
pub fn has_any_risk(app: &App) -> bool {
    Risk::ALL.iter().any(|r| r.level(app) > 0)
}

/// No worse than `app` on any risk and better on at least one.
pub fn is_safer(other: &App, app: &App) -> bool {
    Risk::ALL.iter().all(|r| r.level(other) <= r.level(app)) && Risk::ALL.iter().any(|r| r.level(other) < r.level(app))
}

/// True when `other` may stand in `app`'s "Same idea, fewer risks" list.
pub fn is_alternative(other: &App, app: &App) -> bool {
    other.slug != app.slug
        && other.age_band() == app.age_band()
        && other.categories.iter().any(|c| app.categories.contains(c))
        && is_safer(other, app)
}

/// The queries whose results, together, are exactly the alternatives to `app` (before the
/// slug and the ranking): one per category of the app and risk it can be beaten on, each
/// "same category and band, no worse on any risk, better on this one". Empty when the app
/// has no risk at all.
pub fn alternative_queries(app: &App, per_page: u32) -> Vec<CatalogQuery> {
    let mut no_worse =
        CatalogQuery { age: Some(app.age_band()), sort: SortOrder::Learning, per_page, ..Default::default() };
    for risk in Risk::ALL {
        risk.at_most(risk.level(app), &mut no_worse);
    }
    let mut queries = Vec::new();
    for &category in &app.categories {
        for risk in Risk::ALL.into_iter().filter(|r| r.level(app) > 0) {
            let mut query = CatalogQuery { category: Some(category), ..no_worse.clone() };
            risk.at_most(risk.level(app) - 1, &mut query);
            queries.push(query);
        }
    }
    queries
}

/// The "best for learning" order every catalog lists by (see `Catalog`): learning key, then
/// rating score, highest first, then slug.
pub fn best_for_learning_first(a: &App, b: &App) -> Ordering {
    b.learning_key()
        .cmp(&a.learning_key())
        .then(b.rating_score().total_cmp(&a.rating_score()))
        .then_with(|| a.slug.cmp(&b.slug))
}
