//! What an app does to a child, fact by fact, and where each fact came from: the content grid
//! (as Common Sense Media grades it), the interactive elements (IARC's), the privacy label
//! (Apple's four kinds of data use), what it really costs, what a child learns, Famigo's own
//! review, and the store facts. Every group of safety, privacy and money facts carries its
//! source and the day it was last checked; a source that says otherwise is kept beside it.
//!
//! Every struct reads with `serde(default)`, so a record stored before a field existed (and
//! the SQLite migration that maps the old flags) still reads.

use super::named::facet_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Declares a closed set of values, stored as their slugs; the first is the default.
macro_rules! choice_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $slug:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { #[default] $(#[serde(rename = $slug)] $variant),+ }

        super::named::slug_methods!($name { $($variant => $slug, $label;)+ });
    };
}

/// One line of the content grid: 0 (none) to 5 (a lot), with a one-line note.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Score {
    pub score: u8,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Score {
    pub fn of(score: u8) -> Score {
        Score { score, note: String::new() }
    }
}

pub const MAX_NOTE_CHARS: usize = 200;

facet_enum!(
    /// A line of the content grid. The first seven are what a parent may worry about (higher
    /// is more of it); the last three are good things (higher is better).
    ContentKind {
        Violence => "violence", "Violence";
        Scariness => "scariness", "Scary moments";
        Sex => "sex", "Sex & romance";
        Language => "language", "Language";
        Consumerism => "consumerism", "Consumerism";
        Drugs => "drugs", "Drinking, drugs & smoking";
        Gambling => "gambling", "Gambling (incl. simulated)";
        PositiveMessages => "positive-messages", "Positive messages";
        RoleModels => "role-models", "Role models & representation";
        EaseOfPlay => "ease-of-play", "Ease of play";
    }
);

impl ContentKind {
    /// True for the lines where a higher score is better.
    pub fn is_positive(self) -> bool {
        matches!(self, ContentKind::PositiveMessages | ContentKind::RoleModels | ContentKind::EaseOfPlay)
    }
}

/// The content grid.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContentRatings {
    pub violence: Score,
    pub scariness: Score,
    pub sex: Score,
    pub language: Score,
    pub consumerism: Score,
    pub drugs: Score,
    pub gambling: Score,
    pub positive_messages: Score,
    pub role_models: Score,
    pub ease_of_play: Score,
}

impl ContentRatings {
    pub fn get(&self, kind: ContentKind) -> &Score {
        match kind {
            ContentKind::Violence => &self.violence,
            ContentKind::Scariness => &self.scariness,
            ContentKind::Sex => &self.sex,
            ContentKind::Language => &self.language,
            ContentKind::Consumerism => &self.consumerism,
            ContentKind::Drugs => &self.drugs,
            ContentKind::Gambling => &self.gambling,
            ContentKind::PositiveMessages => &self.positive_messages,
            ContentKind::RoleModels => &self.role_models,
            ContentKind::EaseOfPlay => &self.ease_of_play,
        }
    }

    pub fn get_mut(&mut self, kind: ContentKind) -> &mut Score {
        match kind {
            ContentKind::Violence => &mut self.violence,
            ContentKind::Scariness => &mut self.scariness,
            ContentKind::Sex => &mut self.sex,
            ContentKind::Language => &mut self.language,
            ContentKind::Consumerism => &mut self.consumerism,
            ContentKind::Drugs => &mut self.drugs,
            ContentKind::Gambling => &mut self.gambling,
            ContentKind::PositiveMessages => &mut self.positive_messages,
            ContentKind::RoleModels => &mut self.role_models,
            ContentKind::EaseOfPlay => &mut self.ease_of_play,
        }
    }
}

choice_enum!(
    /// Who a child can talk to inside the app.
    Chat {
        None => "none", "No chat";
        Preset => "preset", "Preset phrases only";
        Moderated => "moderated", "Moderated chat";
        Open => "open", "Open chat";
    }
);

choice_enum!(
    /// Links that leave the app.
    LinkGate {
        None => "none", "No links out of the app";
        Gated => "gated", "Behind a parental gate";
        Open => "open", "Open to the child";
    }
);

/// The interactive elements (IARC's list, and what parents ask besides).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Interaction {
    pub chat: Chat,
    pub users_interact: bool,
    pub shares_location: bool,
    pub unrestricted_internet: bool,
    pub user_content: bool,
    pub external_links: LinkGate,
    pub account_required: bool,
}

facet_enum!(
    /// The data types of a privacy label (Apple's groups).
    DataType {
        ContactInfo => "contact-info", "Contact info";
        Location => "location", "Location";
        Identifiers => "identifiers", "Identifiers";
        Usage => "usage", "Usage data";
        Diagnostics => "diagnostics", "Diagnostics";
        Contacts => "contacts", "Contacts";
        Media => "media", "Photos, video or audio";
        Health => "health", "Health & fitness";
        Purchases => "purchases", "Purchases";
        Other => "other", "Other data";
    }
);

choice_enum!(
    /// What an app does with one type of data (Apple's four kinds, mildest first).
    DataUse {
        NotCollected => "not-collected", "Not collected";
        NotLinked => "not-linked", "Not linked to you";
        Linked => "linked", "Linked to you";
        Tracking => "tracking", "Used to track you";
    }
);

/// The privacy label. A data type missing from `data` has not been checked yet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivacyLabel {
    pub data: BTreeMap<DataType, DataUse>,
    pub policy_url: Option<String>,
    pub deletion_on_request: bool,
}

impl PrivacyLabel {
    pub fn use_of(&self, data: DataType) -> Option<DataUse> {
        self.data.get(&data).copied()
    }

    /// The data types with this use, in label order.
    pub fn types_with(&self, usage: Option<DataUse>) -> Vec<DataType> {
        DataType::ALL.iter().copied().filter(|t| self.use_of(*t) == usage).collect()
    }

    /// Collects data linked to the child or used to track them (what "collects data" means).
    pub fn collects_personal_data(&self) -> bool {
        self.data.values().any(|u| matches!(u, DataUse::Linked | DataUse::Tracking))
    }

    pub fn tracks(&self) -> bool {
        self.data.values().any(|u| *u == DataUse::Tracking)
    }
}

choice_enum!(
    /// How an app asks for money.
    PriceModel {
        Free => "free", "Free";
        PaidOnce => "paid-once", "Paid once";
        FreeWithPurchases => "free-with-purchases", "Free with in-app purchases";
        Subscription => "subscription", "Subscription";
    }
);

choice_enum!(
    /// Which ads a child sees.
    Ads {
        None => "none", "No ads";
        OwnOnly => "own", "Ads for the maker's own apps";
        ThirdParty => "third-party", "Third-party ads";
        RewardedVideo => "rewarded-video", "Rewarded video ads";
    }
);

/// Cheapest and dearest in-app purchase, in US cents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceRange {
    pub low: u32,
    pub high: u32,
}

/// What an app really costs; the upfront price is `App::price_cents`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Money {
    pub model: PriceModel,
    /// Per month, in US cents (subscriptions).
    pub subscription_cents: Option<u32>,
    /// Sells things inside the app (the range may not be known).
    pub purchases: bool,
    pub purchase_range: Option<PriceRange>,
    /// Purchases whose contents are random (loot boxes, gacha).
    pub loot_boxes: bool,
    pub ads: Ads,
}

impl Money {
    /// Asks for money inside the app: purchases, loot boxes or a subscription (the stores
    /// count subscriptions as in-app purchases too).
    pub fn has_purchases(&self) -> bool {
        self.purchases || self.loot_boxes || self.model == PriceModel::Subscription
    }
}

facet_enum!(
    /// What a child can learn (a closed list, so it can be filtered on).
    Subject {
        Reading => "reading", "Reading";
        Math => "math", "Math";
        Science => "science", "Science";
        Coding => "coding", "Coding";
        Creativity => "creativity", "Creativity";
        SocialEmotional => "social-emotional", "Social-emotional skills";
        Languages => "languages", "Languages";
        Music => "music", "Music";
        ProblemSolving => "problem-solving", "Problem solving";
        Memory => "memory", "Memory & focus";
        MotorSkills => "motor-skills", "Motor skills";
        History => "history", "History & social studies";
        Geography => "geography", "Geography";
        Art => "art", "Art";
    }
);

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Learning {
    pub subjects: Vec<Subject>,
    pub what_kids_learn: String,
}

pub const MAX_LEARN_CHARS: usize = 1000;

/// Famigo's own review, shown apart from parents' stars.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorialReview {
    /// "What parents need to know": 3–6 bullets.
    pub need_to_know: Vec<String>,
    /// "Is it any good?": 1–5.
    pub verdict: u8,
    pub reviewer: String,
    pub reviewed: NaiveDate,
    pub version: String,
}

facet_enum!(
    /// The languages an app offers (ISO 639-1 codes as slugs).
    Language {
        En => "en", "English";
        Es => "es", "Spanish";
        Fr => "fr", "French";
        De => "de", "German";
        Pt => "pt", "Portuguese";
        It => "it", "Italian";
        Nl => "nl", "Dutch";
        Zh => "zh", "Chinese";
        Ja => "ja", "Japanese";
        Ko => "ko", "Korean";
        Ar => "ar", "Arabic";
        Hi => "hi", "Hindi";
        Ru => "ru", "Russian";
        Pl => "pl", "Polish";
        Sv => "sv", "Swedish";
        Tr => "tr", "Turkish";
    }
);

facet_enum!(
    /// Apple's Accessibility Nutrition Labels.
    Accessibility {
        VoiceOver => "voiceover", "VoiceOver";
        VoiceControl => "voice-control", "Voice Control";
        LargerText => "larger-text", "Larger Text";
        DarkInterface => "dark-interface", "Dark Interface";
        DifferentiateWithoutColor => "without-color", "Differentiate Without Color";
        SufficientContrast => "contrast", "Sufficient Contrast";
        ReducedMotion => "reduced-motion", "Reduced Motion";
        Captions => "captions", "Captions";
        AudioDescriptions => "audio-descriptions", "Audio Descriptions";
    }
);

/// Where to get the app and what it offers. Store IDs are checked per store (`validate`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoreFacts {
    /// The App Store's numeric id (`id` + digits in its URLs).
    pub app_store: Option<String>,
    /// Google Play's package name, like `com.example.app`.
    pub google_play: Option<String>,
    /// Amazon's ASIN, ten letters and digits.
    pub amazon: Option<String>,
    pub website: Option<String>,
    pub languages: Vec<Language>,
    pub accessibility: Vec<Accessibility>,
    pub works_offline: bool,
    /// The icon and screenshots (generated for the demo catalog, or uploaded by an administrator).
    pub images: super::media::AppImages,
}

impl StoreFacts {
    /// (store name, URL) for every store the app is in.
    pub fn links(&self) -> Vec<(&'static str, String)> {
        let mut links = Vec::new();
        if let Some(id) = &self.app_store {
            links.push(("App Store", format!("https://apps.apple.com/app/id{id}")));
        }
        if let Some(id) = &self.google_play {
            links.push(("Google Play", format!("https://play.google.com/store/apps/details?id={id}")));
        }
        if let Some(id) = &self.amazon {
            links.push(("Amazon Appstore", format!("https://www.amazon.com/dp/{id}")));
        }
        if let Some(url) = &self.website {
            links.push(("Website", url.clone()));
        }
        links
    }
}

choice_enum!(
    /// Where a fact came from.
    FactSource {
        Unknown => "unknown", "Source unknown";
        StoreLabel => "store-label", "The developer's store label";
        StoreListing => "store-listing", "The store listing";
        FamigoTest => "famigo-test", "Famigo's own test";
        ParentReport => "parent-report", "A parent's report";
    }
);

/// A fact group's source and the day someone last checked it (None: never).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Provenance {
    pub source: FactSource,
    pub checked: Option<NaiveDate>,
}

choice_enum!(
    /// The groups of facts that each carry one provenance.
    FactGroup {
        Content => "content", "Content";
        Interaction => "interaction", "Chat and the internet";
        Privacy => "privacy", "Privacy label";
        Money => "money", "What it costs";
    }
);

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FactSources {
    pub content: Provenance,
    pub interaction: Provenance,
    pub privacy: Provenance,
    pub money: Provenance,
}

impl FactSources {
    pub fn of(&self, group: FactGroup) -> Provenance {
        match group {
            FactGroup::Content => self.content,
            FactGroup::Interaction => self.interaction,
            FactGroup::Privacy => self.privacy,
            FactGroup::Money => self.money,
        }
    }

    pub fn of_mut(&mut self, group: FactGroup) -> &mut Provenance {
        match group {
            FactGroup::Content => &mut self.content,
            FactGroup::Interaction => &mut self.interaction,
            FactGroup::Privacy => &mut self.privacy,
            FactGroup::Money => &mut self.money,
        }
    }
}

/// Another source that says something else about one fact (`Fact::key`), e.g. Famigo's test
/// found tracking where the store label says "not collected".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceConflict {
    pub fact: String,
    pub source: FactSource,
    pub says: String,
    pub checked: Option<NaiveDate>,
}

pub const MAX_CONFLICTS: usize = 10;

/// Everything beyond the listing fields that a parent reads on an app's page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppFacts {
    pub content: ContentRatings,
    pub interaction: Interaction,
    pub privacy: PrivacyLabel,
    pub money: Money,
    pub learning: Learning,
    pub review: Option<EditorialReview>,
    pub store: StoreFacts,
    pub sources: FactSources,
    pub conflicts: Vec<SourceConflict>,
}

facet_enum!(
    /// The yes/no questions a parent can ask the catalog of an app's facts; an app passes one
    /// when the answer is the safe one. The slug is the URL parameter (`no_tracking=1`).
    SafetyCheck {
        NoLocation => "no_location", "No location sharing";
        NoTracking => "no_tracking", "No tracking";
        NoSubscription => "no_subscription", "No subscription";
        NoLootBoxes => "no_loot_boxes", "No loot boxes";
        NoThirdPartyAds => "no_third_party_ads", "No third-party ads";
        Offline => "offline", "Works offline";
    }
);

choice_enum!(
    /// The chat a parent allows (`chat=none` or `chat=moderated`).
    ChatLimit {
        None => "none", "No chat";
        Moderated => "moderated", "No open chat";
    }
);

impl ChatLimit {
    pub fn allows(self, chat: Chat) -> bool {
        match self {
            ChatLimit::None => chat == Chat::None,
            ChatLimit::Moderated => chat != Chat::Open,
        }
    }
}

/// One safety, privacy or money fact as a parent reads it: what changes are recorded and
/// compared by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    /// Stable name, like `content.violence` or `privacy.location`.
    pub key: String,
    pub group: FactGroup,
    pub label: String,
    pub value: String,
}

/// A fact that changed in a write: what it was, what it became, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactChange {
    pub fact: String,
    pub label: String,
    pub from: String,
    pub to: String,
    pub on: NaiveDate,
    /// The source of the new value.
    pub source: FactSource,
}

/// How many changes an app page shows (the stores keep every one).
pub const CHANGES_SHOWN: usize = 20;

pub fn format_cents(cents: u32) -> String {
    format!("${}.{:02}", cents / 100, cents % 100)
}

fn yes_no(on: bool) -> String {
    if on { "Yes" } else { "No" }.to_string()
}

/// Every fact of `facts` that `fact_changes` compares, in page order. `price_cents` and
/// `min_age` are the app's (they sit on `App` for the listings).
pub fn fact_list(facts: &AppFacts, price_cents: u32, min_age: u8) -> Vec<Fact> {
    let mut list = Vec::with_capacity(40);
    let mut push = |key: String, group: FactGroup, label: &str, value: String| {
        list.push(Fact { key, group, label: label.to_string(), value });
    };
    push("content.min_age".into(), FactGroup::Content, "Youngest age", format!("{min_age}+"));
    for kind in ContentKind::ALL {
        let score = facts.content.get(*kind).score;
        push(format!("content.{}", kind.slug()), FactGroup::Content, kind.label(), format!("{score}/5"));
    }
    let i = &facts.interaction;
    let g = FactGroup::Interaction;
    push("interaction.chat".into(), g, "Chat", i.chat.label().into());
    push("interaction.users_interact".into(), g, "Players interact", yes_no(i.users_interact));
    push("interaction.shares_location".into(), g, "Shares location", yes_no(i.shares_location));
    push("interaction.unrestricted_internet".into(), g, "Unrestricted internet", yes_no(i.unrestricted_internet));
    push("interaction.user_content".into(), g, "Content made by other users", yes_no(i.user_content));
    push("interaction.external_links".into(), g, "Links out of the app", i.external_links.label().into());
    push("interaction.account_required".into(), g, "Needs an account", yes_no(i.account_required));
    let p = &facts.privacy;
    for data in DataType::ALL {
        let value = p.use_of(*data).map_or("Not checked yet", DataUse::label);
        push(format!("privacy.{}", data.slug()), FactGroup::Privacy, data.label(), value.into());
    }
    push("privacy.deletion".into(), FactGroup::Privacy, "Deletes data on request", yes_no(p.deletion_on_request));
    let m = &facts.money;
    let g = FactGroup::Money;
    let price = if price_cents == 0 { "Free".to_string() } else { format_cents(price_cents) };
    push("money.price".into(), g, "Price to download", price);
    push("money.model".into(), g, "Price model", m.model.label().into());
    let subscription = m.subscription_cents.map_or("None".into(), |c| format!("{} a month", format_cents(c)));
    push("money.subscription".into(), g, "Subscription", subscription);
    let purchases = match (m.purchases, m.purchase_range) {
        (false, _) => "None".to_string(),
        (true, None) => "Yes".to_string(),
        (true, Some(r)) => format!("{}–{}", format_cents(r.low), format_cents(r.high)),
    };
    push("money.purchases".into(), g, "In-app purchases", purchases);
    push("money.loot_boxes".into(), g, "Loot boxes (random items)", yes_no(m.loot_boxes));
    push("money.ads".into(), g, "Ads", m.ads.label().into());
    list
}

/// The facts that differ between two versions of an app, each dated `on` its group.
pub fn fact_changes(
    before: &[Fact],
    after: &[Fact],
    sources: &FactSources,
    on: impl Fn(FactGroup) -> NaiveDate,
) -> Vec<FactChange> {
    after
        .iter()
        .filter_map(|new| {
            let old = before.iter().find(|f| f.key == new.key)?;
            (old.value != new.value).then(|| FactChange {
                fact: new.key.clone(),
                label: new.label.clone(),
                from: old.value.clone(),
                to: new.value.clone(),
                on: on(new.group),
                source: sources.of(new.group).source,
            })
        })
        .collect()
}

/// "What it really costs", in one line: `Free · no ads · nothing to buy`,
/// `$2.99 a month · in-app purchases $0.99–$9.99 · third-party ads`.
pub fn money_line(money: &Money, price_cents: u32) -> String {
    let mut parts = Vec::new();
    match money.model {
        PriceModel::Free => parts.push("Free".to_string()),
        PriceModel::PaidOnce => parts.push(format!("{} once", format_cents(price_cents))),
        PriceModel::FreeWithPurchases => parts.push("Free to start".to_string()),
        PriceModel::Subscription => parts.push(match money.subscription_cents {
            Some(c) => format!("{} a month", format_cents(c)),
            None => "Subscription".to_string(),
        }),
    }
    match (money.purchases, money.purchase_range) {
        (true, Some(r)) if r.low == r.high => parts.push(format!("in-app purchases of {}", format_cents(r.low))),
        (true, Some(r)) => parts.push(format!("in-app purchases {}–{}", format_cents(r.low), format_cents(r.high))),
        (true, None) => parts.push("in-app purchases".to_string()),
        (false, _) if !money.loot_boxes && money.model != PriceModel::Subscription => {
            parts.push("nothing to buy inside".to_string())
        }
        (false, _) => {}
    }
    if money.loot_boxes {
        parts.push("loot boxes".to_string());
    }
    parts.push(match money.ads {
        Ads::None => "no ads".to_string(),
        other => other.label().to_lowercase(),
    });
    parts.join(" · ")
}

impl AppFacts {
    pub fn passes(&self, check: SafetyCheck) -> bool {
        match check {
            SafetyCheck::NoLocation => !self.interaction.shares_location,
            SafetyCheck::NoTracking => !self.privacy.tracks(),
            SafetyCheck::NoSubscription => self.money.model != PriceModel::Subscription,
            SafetyCheck::NoLootBoxes => !self.money.loot_boxes,
            SafetyCheck::NoThirdPartyAds => !matches!(self.money.ads, Ads::ThirdParty | Ads::RewardedVideo),
            SafetyCheck::Offline => self.store.works_offline,
        }
    }

    /// The checks this app passes, as a mask of `SafetyCheck::bit`.
    pub fn passed_checks(&self) -> u16 {
        SafetyCheck::ALL.iter().filter(|c| self.passes(**c)).fold(0, |mask, c| mask | c.bit())
    }

    /// The worst thing an app does to a child, for its card; None when it does none of them.
    pub fn worst_risk(&self) -> Option<&'static str> {
        let i = &self.interaction;
        let m = &self.money;
        if i.chat == Chat::Open {
            Some("Open chat with strangers")
        } else if self.privacy.tracks() {
            Some("Tracks your child")
        } else if m.loot_boxes {
            Some("Loot boxes")
        } else if i.shares_location {
            Some("Shares location")
        } else if m.ads == Ads::ThirdParty || m.ads == Ads::RewardedVideo {
            Some("Third-party ads")
        } else if i.unrestricted_internet || i.external_links == LinkGate::Open {
            Some("Open links to the web")
        } else if m.model == PriceModel::Subscription {
            Some("Subscription")
        } else if self.privacy.collects_personal_data() {
            Some("Collects personal data")
        } else if m.has_purchases() {
            Some("In-app purchases")
        } else {
            None
        }
    }

    /// The facts an app stored before this record existed could say: four content scores and
    /// four yes/no flags, all from an unknown source and never checked.
    pub fn from_legacy(scores: [u8; 4], flags: LegacyFlags, price_cents: u32) -> AppFacts {
        let [violence, scariness, language, consumerism] = scores.map(Score::of);
        let mut facts = AppFacts {
            content: ContentRatings { violence, scariness, language, consumerism, ..Default::default() },
            ..Default::default()
        };
        facts.interaction.chat = if flags.open_chat { Chat::Open } else { Chat::None };
        facts.money.ads = if flags.ads { Ads::ThirdParty } else { Ads::None };
        facts.money.purchases = flags.in_app_purchases;
        facts.money.model = match (price_cents > 0, flags.in_app_purchases) {
            (true, _) => PriceModel::PaidOnce,
            (false, true) => PriceModel::FreeWithPurchases,
            (false, false) => PriceModel::Free,
        };
        if flags.collects_data {
            facts.privacy.data.insert(DataType::Other, DataUse::Linked);
        }
        facts
    }
}

/// The four yes/no flags an app record used to hold (now worked out from its facts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyFlags {
    pub ads: bool,
    pub in_app_purchases: bool,
    pub collects_data: bool,
    pub open_chat: bool,
}

pub fn is_app_store_id(id: &str) -> bool {
    (6..=12).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())
}

/// A Java package name as Google Play requires: two or more dot-separated parts, each a
/// letter then letters, digits or `_`.
pub fn is_play_package(id: &str) -> bool {
    id.len() <= 150
        && id.split('.').count() >= 2
        && id.split('.').all(|part| {
            let mut bytes = part.bytes();
            bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
                && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
}

pub fn is_asin(id: &str) -> bool {
    id.len() == 10 && id.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// An absolute `https://` URL without spaces, quotes or angle brackets, at most 300 bytes.
pub fn is_web_url(url: &str) -> bool {
    url.len() <= 300
        && url.strip_prefix("https://").is_some_and(|rest| {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            host.contains('.') && !host.starts_with('.')
        })
        && !url.bytes().any(|b| b.is_ascii_whitespace() || b.is_ascii_control() || b"\"'<>\\`".contains(&b))
}
