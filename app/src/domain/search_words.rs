//! Filters a parent writes as words: "free reading app for 4 year olds", "toddler", "no ads",
//! "ipad", "no chat", "no subscription", "works offline", "in spanish". They are read out of a search's text into its filters, so the words left are the
//! ones apps are matched on ("reading", ages 2–4, free), and the page's URL says so.

use super::app::{AgeBand, Platform, MAX_AGE, MIN_AGE};
use super::facts::{ChatLimit, Language, SafetyCheck};
use super::query::{CatalogQuery, PriceFilter};
use super::search::{fold, SearchQuery};

/// Words that say nothing about which app is meant, dropped along with filter words.
const FILLER: &[&str] = &[
    "a", "an", "the", "for", "and", "on", "in", "with", "to", "of", "app", "apps", "my", "our", "kid", "kids", "child",
    "children", "best", "good", "great",
];

const BANDS: &[(&[&str], AgeBand)] = &[
    (&["baby", "babies", "toddler", "toddlers", "preschool", "preschooler", "preschoolers"], AgeBand::Toddler),
    (&["kindergarten", "kindergartner", "kindergartners", "kindergartener", "kindergarteners"], AgeBand::EarlyReader),
    (&["tween", "tweens", "preteen", "preteens"], AgeBand::Tween),
    (&["teen", "teens", "teenager", "teenagers"], AgeBand::Teen),
];

const PLATFORMS: &[(&[&str], Platform)] = &[
    (&["ios", "ipad", "ipads", "iphone", "iphones"], Platform::Ios),
    (&["android"], Platform::Android),
    (&["kindle"], Platform::Kindle),
    (&["mac", "macos", "macbook"], Platform::MacOs),
    (&["windows"], Platform::Windows),
];

/// What a run of words at the start of `words` says, and how many words it took.
enum Said {
    Age(AgeBand),
    Platform(Platform),
    Free,
    NoAds,
    NoInAppPurchases,
    Chat(ChatLimit),
    Check(SafetyCheck),
    Language(Language),
    Filler,
}

fn is_any(word: Option<&str>, of: &[&str]) -> bool {
    word.is_some_and(|w| of.contains(&w))
}

fn age_number(word: Option<&str>) -> Option<AgeBand> {
    let age: u8 = word?.parse().ok()?;
    (age <= MAX_AGE).then(|| AgeBand::of_age(age.max(MIN_AGE))).flatten()
}

fn read_one(words: &[String]) -> Option<(Said, usize)> {
    let at = |i: usize| words.get(i).map(String::as_str);
    let first = at(0)?;
    // "4 year olds", "4-year-old", "4 yrs", "4 y/o", "4yo"
    if let Some(band) = age_number(at(0)) {
        let mut n = 1;
        if is_any(at(1), &["year", "years", "yr", "yrs", "yo"]) {
            n = 2;
        } else if is_any(at(1), &["y"]) && is_any(at(2), &["o"]) {
            n = 3;
        }
        if n > 1 {
            if is_any(at(n), &["old", "olds"]) {
                n += 1;
            }
            return Some((Said::Age(band), n));
        }
    }
    if let Some(band) = first.strip_suffix("yo").and_then(|n| age_number(Some(n))) {
        return Some((Said::Age(band), 1));
    }
    // "age 6", "ages 5-7", "aged 3"
    if matches!(first, "age" | "ages" | "aged") {
        if let Some(band) = age_number(at(1)) {
            let n = if age_number(at(2)).is_some() { 3 } else { 2 };
            return Some((Said::Age(band), n));
        }
    }
    if let Some((_, band)) = BANDS.iter().find(|(names, _)| names.contains(&first)) {
        return Some((Said::Age(*band), 1));
    }
    if let Some((_, platform)) = PLATFORMS.iter().find(|(names, _)| names.contains(&first)) {
        return Some((Said::Platform(*platform), 1));
    }
    let no = matches!(first, "no" | "without");
    // "no ads", "ad free", "ad-free", "adfree"
    if (no && is_any(at(1), &["ad", "ads", "adverts", "advertising"]))
        || (is_any(at(0), &["ad", "ads"]) && is_any(at(1), &["free"]))
    {
        return Some((Said::NoAds, 2));
    }
    if first == "adfree" {
        return Some((Said::NoAds, 1));
    }
    // "no in-app purchases", "no iap", "no purchases"
    if no && is_any(at(1), &["in"]) && is_any(at(2), &["app"]) && is_any(at(3), &["purchase", "purchases"]) {
        return Some((Said::NoInAppPurchases, 4));
    }
    if no && is_any(at(1), &["iap", "iaps", "purchase", "purchases"]) {
        return Some((Said::NoInAppPurchases, 2));
    }
    // "no chat", "no open chat"
    if no && is_any(at(1), &["chat", "chats", "chatting"]) {
        return Some((Said::Chat(ChatLimit::None), 2));
    }
    if no && is_any(at(1), &["open"]) && is_any(at(2), &["chat", "chats"]) {
        return Some((Said::Chat(ChatLimit::Moderated), 3));
    }
    // "no third party ads" (before "no ads" could take "no third")
    if no && is_any(at(1), &["third"]) && is_any(at(2), &["party"]) && is_any(at(3), &["ad", "ads"]) {
        return Some((Said::Check(SafetyCheck::NoThirdPartyAds), 4));
    }
    if no && is_any(at(1), &["subscription", "subscriptions"]) {
        return Some((Said::Check(SafetyCheck::NoSubscription), 2));
    }
    if no && is_any(at(1), &["tracking", "trackers"]) {
        return Some((Said::Check(SafetyCheck::NoTracking), 2));
    }
    if no && is_any(at(1), &["loot", "lootbox", "lootboxes"]) {
        let n = if is_any(at(2), &["box", "boxes"]) { 3 } else { 2 };
        return Some((Said::Check(SafetyCheck::NoLootBoxes), n));
    }
    if no && is_any(at(1), &["location"]) {
        let n = if is_any(at(2), &["sharing", "tracking"]) { 3 } else { 2 };
        return Some((Said::Check(SafetyCheck::NoLocation), n));
    }
    // "works offline", "offline", "no wifi", "no internet"
    if first == "offline" {
        return Some((Said::Check(SafetyCheck::Offline), 1));
    }
    if is_any(at(0), &["works", "play", "plays", "playable"]) && is_any(at(1), &["offline"]) {
        return Some((Said::Check(SafetyCheck::Offline), 2));
    }
    if no && is_any(at(1), &["wifi", "internet"]) {
        return Some((Said::Check(SafetyCheck::Offline), 2));
    }
    // "in spanish"
    if first == "in" {
        let named = at(1).and_then(|w| Language::ALL.iter().copied().find(|l| l.label().eq_ignore_ascii_case(w)));
        if let Some(language) = named {
            return Some((Said::Language(language), 2));
        }
    }
    if first == "free" {
        return Some((Said::Free, 1));
    }
    FILLER.contains(&first).then_some((Said::Filler, 1))
}

impl SearchQuery {
    /// This search with the filters its words name moved into its filters (a filter already
    /// chosen stays as chosen; its words are dropped all the same), and words that name no app
    /// dropped; `None` when the words hold none of them.
    pub fn with_filters_from_words(&self) -> Option<SearchQuery> {
        // Words as typed (for what is left) and folded (to read them).
        let typed: Vec<&str> = self.text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        let folded: Vec<String> = typed.iter().map(|w| fold(w)).collect();
        let mut filters = self.filters.clone();
        let mut kept: Vec<&str> = Vec::new();
        let mut i = 0;
        while i < typed.len() {
            let Some((said, n)) = read_one(&folded[i..]) else {
                kept.push(typed[i]);
                i += 1;
                continue;
            };
            apply(&mut filters, said);
            i += n;
        }
        if kept.len() == typed.len() {
            return None;
        }
        Some(SearchQuery { text: kept.join(" "), filters: filters.with_page(1), sort: self.sort })
    }
}

fn apply(filters: &mut CatalogQuery, said: Said) {
    match said {
        Said::Age(band) => {
            filters.age.get_or_insert(band);
        }
        Said::Platform(platform) => {
            filters.platform.get_or_insert(platform);
        }
        Said::Free => {
            filters.price.get_or_insert(PriceFilter::Free);
        }
        Said::NoAds => filters.no_ads = true,
        Said::NoInAppPurchases => filters.no_in_app_purchases = true,
        Said::Chat(limit) => {
            filters.chat.get_or_insert(limit);
        }
        Said::Check(check) => filters.checks |= check.bit(),
        Said::Language(language) => {
            filters.language.get_or_insert(language);
        }
        Said::Filler => {}
    }
}
