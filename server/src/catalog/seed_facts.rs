//! The demo catalog's facts: correlated as real catalogs are (free apps carry ads and purchases
//! more often, chat is rare below 8, learning apps sell subscriptions, ads bring tracking), with
//! sources and check dates that never pass `CATALOG_DATE`, and a few apps whose sources
//! disagree.

use app::domain::{
    Accessibility, Ads, AppFacts, Category, Chat, ContentKind, DataType, DataUse, EditorialReview, FactSource,
    Language, LinkGate, PriceModel, PriceRange, Provenance, Score, SourceConflict, Subject,
};
use chrono::{Duration, NaiveDate};
use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// What the seed decided about an app before its facts.
pub struct Profile<'a> {
    pub slug: &'a str,
    pub developer: &'a str,
    pub categories: &'a [Category],
    pub platforms: &'a [app::domain::Platform],
    pub min_age: u8,
    pub price_cents: u32,
    pub released: NaiveDate,
    pub updated: NaiveDate,
    /// The stars its parents' reviews will scatter around.
    pub quality: f32,
}

/// The day the demo catalog was "made": no release, update, check or review is later.
pub const CATALOG_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 1) {
    Some(date) => date,
    None => panic!("a valid date"),
};

const FAMIGO_REVIEWERS: &[&str] = &["Ana Ruiz", "Ben Okafor", "Chloe Martin", "Dev Patel", "Esther Kim"];

fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    rng.random_bool(p.clamp(0.0, 1.0))
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, weighted: &[(T, u32)]) -> T {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut r = rng.random_range(0..total.max(1));
    for (value, weight) in weighted {
        if r < *weight {
            return *value;
        }
        r -= weight;
    }
    weighted[0].0
}

/// A day between `from` and `CATALOG_DATE` (both included).
fn day_after(rng: &mut ChaCha8Rng, from: NaiveDate) -> NaiveDate {
    let span = (CATALOG_DATE - from).num_days().max(0);
    from + Duration::days(rng.random_range(0..=span))
}

fn score(kind: ContentKind, level: u8) -> Score {
    let note = match (kind, level) {
        (_, 0) => "",
        (ContentKind::Violence, 1..=2) => "Cartoon bumps and tumbles; nobody gets hurt.",
        (ContentKind::Violence, _) => "Fights with weapons; defeated characters vanish without blood.",
        (ContentKind::Scariness, 1..=2) => "A few dark levels and spooky sounds.",
        (ContentKind::Scariness, _) => "Jump scares and monsters that chase the player.",
        (ContentKind::Sex, _) => "Characters flirt and hold hands.",
        (ContentKind::Language, 1..=2) => "Words like \"stupid\" and \"shut up\".",
        (ContentKind::Language, _) => "Occasional swearing in dialogue and player names.",
        (ContentKind::Consumerism, 1..=2) => "Shop buttons on the main screen.",
        (ContentKind::Consumerism, _) => "Timers and offers push the child to buy.",
        (ContentKind::Drugs, _) => "Adults drink in a background scene.",
        (ContentKind::Gambling, _) => "Spin-to-win wheels and random prize chests.",
        (ContentKind::PositiveMessages, 4..=5) => "Kindness and patience are rewarded.",
        (ContentKind::PositiveMessages, _) => "Trying again after a mistake is encouraged.",
        (ContentKind::RoleModels, 4..=5) => "A diverse cast of curious, helpful characters.",
        (ContentKind::RoleModels, _) => "Friendly characters with little personality.",
        (ContentKind::EaseOfPlay, 4..=5) => "Clear spoken instructions; no reading needed.",
        (ContentKind::EaseOfPlay, _) => "Some menus need an adult's help at first.",
    };
    Score { score: level, note: note.to_string() }
}

fn low(rng: &mut ChaCha8Rng, most: u8) -> u8 {
    let r: f32 = rng.random();
    match r {
        r if r < 0.55 => 0,
        r if r < 0.8 => 1.min(most),
        r if r < 0.93 => 2.min(most),
        _ => rng.random_range(0..=most).min(5),
    }
}

fn subjects_of(rng: &mut ChaCha8Rng, categories: &[Category], min_age: u8) -> Vec<Subject> {
    let mut subjects: Vec<Subject> = categories
        .iter()
        .filter_map(|c| match c {
            Category::Math => Some(Subject::Math),
            Category::Reading | Category::Stories => Some(Subject::Reading),
            Category::Science => Some(Subject::Science),
            Category::Coding => Some(Subject::Coding),
            Category::Languages => Some(Subject::Languages),
            Category::Music => Some(Subject::Music),
            Category::Creativity => Some(Subject::Creativity),
            Category::Puzzles => Some(Subject::ProblemSolving),
            Category::Education | Category::Games => None,
        })
        .collect();
    if categories.contains(&Category::Education) || chance(rng, 0.3) {
        let extra = if min_age <= 4 {
            [Subject::MotorSkills, Subject::Memory, Subject::SocialEmotional]
        } else {
            [Subject::Geography, Subject::History, Subject::SocialEmotional]
        };
        subjects.push(*extra.choose(rng).unwrap_or(&Subject::Memory));
    }
    if categories.contains(&Category::Creativity) && chance(rng, 0.5) {
        subjects.push(Subject::Art);
    }
    subjects.sort();
    subjects.dedup();
    subjects
}

fn what_kids_learn(subjects: &[Subject]) -> String {
    match subjects {
        [] => String::new(),
        [one] => format!("Kids practise {} through play.", one.label().to_lowercase()),
        [first, rest @ ..] => format!(
            "Kids practise {} and {} through play.",
            first.label().to_lowercase(),
            rest.iter().map(|s| s.label().to_lowercase()).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn package_part(text: &str) -> String {
    let part: String = text.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
    if part.starts_with(|c: char| c.is_ascii_alphabetic()) {
        part
    } else {
        format!("app{part}")
    }
}

pub fn facts_for(rng: &mut ChaCha8Rng, p: &Profile) -> AppFacts {
    let free = p.price_cents == 0;
    let gamey = p.categories.contains(&Category::Games);
    let learning_app = p.categories.iter().any(|c| {
        matches!(c, Category::Education | Category::Math | Category::Reading | Category::Languages | Category::Coding)
    });
    let older = p.min_age >= 10;
    let mut facts = AppFacts::default();

    // Money first: ads and purchases shape the rest.
    let m = &mut facts.money;
    m.model = if !free {
        PriceModel::PaidOnce
    } else if learning_app && chance(rng, 0.3) {
        PriceModel::Subscription
    } else if chance(rng, 0.5) {
        PriceModel::FreeWithPurchases
    } else {
        PriceModel::Free
    };
    if m.model == PriceModel::Subscription {
        m.subscription_cents = Some(*[499, 799, 999, 1299].choose(rng).unwrap_or(&799));
    }
    m.purchases = match m.model {
        PriceModel::FreeWithPurchases => true,
        PriceModel::PaidOnce => chance(rng, 0.1),
        PriceModel::Subscription => chance(rng, 0.15),
        PriceModel::Free => false,
    };
    if m.purchases && chance(rng, 0.8) {
        let low = *[99, 199].choose(rng).unwrap_or(&99);
        m.purchase_range = Some(PriceRange { low, high: *[499, 999, 1999, 4999, 9999].choose(rng).unwrap_or(&999) });
    }
    m.loot_boxes = m.purchases && gamey && chance(rng, if older { 0.3 } else { 0.05 });
    let shows_ads = m.model != PriceModel::Subscription && chance(rng, if free { 0.45 } else { 0.05 });
    m.ads = if !shows_ads {
        Ads::None
    } else if gamey {
        pick(rng, &[(Ads::ThirdParty, 50), (Ads::RewardedVideo, 35), (Ads::OwnOnly, 15)])
    } else {
        pick(rng, &[(Ads::ThirdParty, 60), (Ads::OwnOnly, 40)])
    };
    let third_party_ads = matches!(m.ads, Ads::ThirdParty | Ads::RewardedVideo);
    let subscription = m.model == PriceModel::Subscription;
    let loot_boxes = m.loot_boxes;

    let i = &mut facts.interaction;
    i.chat = match p.min_age {
        0..=7 => pick(rng, &[(Chat::None, 95), (Chat::Preset, 5)]),
        8..=12 => pick(rng, &[(Chat::None, 60), (Chat::Preset, 20), (Chat::Moderated, 15), (Chat::Open, 5)]),
        _ => pick(rng, &[(Chat::None, 40), (Chat::Preset, 10), (Chat::Moderated, 25), (Chat::Open, 25)]),
    };
    i.users_interact = i.chat != Chat::None || (gamey && older && chance(rng, 0.3));
    i.shares_location = chance(rng, if older { 0.08 } else { 0.02 });
    i.unrestricted_internet = older && chance(rng, 0.1);
    i.user_content = chance(rng, if p.categories.contains(&Category::Creativity) { 0.4 } else { 0.05 });
    i.external_links = if older {
        pick(rng, &[(LinkGate::None, 30), (LinkGate::Gated, 45), (LinkGate::Open, 25)])
    } else {
        pick(rng, &[(LinkGate::None, 35), (LinkGate::Gated, 60), (LinkGate::Open, 5)])
    };
    i.account_required = subscription || i.chat != Chat::None || chance(rng, 0.2);
    let (account, shares_location, online) =
        (i.account_required, i.shares_location, i.chat != Chat::None || i.unrestricted_internet);

    // The privacy label: about one app in ten has not had its label checked yet.
    let label_known = chance(rng, 0.9);
    if label_known {
        for data in DataType::ALL {
            let usage = match data {
                DataType::Identifiers if third_party_ads => {
                    pick(rng, &[(DataUse::Tracking, 70), (DataUse::Linked, 30)])
                }
                DataType::Usage if third_party_ads => pick(rng, &[(DataUse::Tracking, 40), (DataUse::NotLinked, 60)]),
                DataType::ContactInfo if account => DataUse::Linked,
                DataType::Location if shares_location => DataUse::Linked,
                DataType::Purchases if facts.money.has_purchases() => {
                    pick(rng, &[(DataUse::Linked, 60), (DataUse::NotLinked, 40)])
                }
                DataType::Diagnostics => pick(rng, &[(DataUse::NotLinked, 70), (DataUse::NotCollected, 30)]),
                DataType::Usage => pick(rng, &[(DataUse::NotLinked, 40), (DataUse::NotCollected, 60)]),
                DataType::Identifiers if account => DataUse::Linked,
                DataType::Media if facts.interaction.user_content => DataUse::Linked,
                _ => DataUse::NotCollected,
            };
            facts.privacy.data.insert(*data, usage);
        }
        facts.privacy.policy_url = Some(format!("https://www.{}.example/privacy", package_part(p.developer)));
        facts.privacy.deletion_on_request = chance(rng, 0.6);
    }

    // The content grid follows the age and the kind of app.
    let c = &mut facts.content;
    let levels = [
        (ContentKind::Violence, if gamey { low(rng, if older { 4 } else { 2 }) } else { low(rng, 1) }),
        (ContentKind::Scariness, low(rng, if older { 3 } else { 1 })),
        (ContentKind::Sex, if p.min_age >= 13 { low(rng, 2) } else { 0 }),
        (ContentKind::Language, if older { low(rng, 3) } else { 0 }),
        (
            ContentKind::Consumerism,
            if facts.money.has_purchases() || shows_ads { 1 + low(rng, 3) } else { low(rng, 1) },
        ),
        (ContentKind::Drugs, if p.min_age >= 14 { low(rng, 1) } else { 0 }),
        (ContentKind::Gambling, if loot_boxes { rng.random_range(2..=3) } else { 0 }),
        (ContentKind::PositiveMessages, rng.random_range(2..=5)),
        (ContentKind::RoleModels, rng.random_range(1..=5)),
        (ContentKind::EaseOfPlay, if p.min_age <= 4 { rng.random_range(3..=5) } else { rng.random_range(2..=5) }),
    ];
    for (kind, level) in levels {
        *c.get_mut(kind) = score(kind, level);
    }

    let subjects = subjects_of(rng, p.categories, p.min_age);
    facts.learning.what_kids_learn = what_kids_learn(&subjects);
    facts.learning.subjects = subjects;

    let store = &mut facts.store;
    let platforms = p.platforms;
    if platforms.contains(&app::domain::Platform::Ios) {
        store.app_store = Some(format!("{}", 1_000_000_000 + rng.random_range(0..900_000_000u32)));
    }
    if platforms.contains(&app::domain::Platform::Android) {
        store.google_play = Some(format!("com.{}.{}", package_part(p.developer), package_part(p.slug)));
    }
    if platforms.contains(&app::domain::Platform::Kindle) {
        const ASIN: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
        let tail: String = (0..8).map(|_| *ASIN.choose(rng).unwrap_or(&b'X') as char).collect();
        store.amazon = Some(format!("B0{tail}"));
    }
    if platforms.contains(&app::domain::Platform::Web) {
        store.website = Some(format!("https://www.{}.example/", package_part(p.slug)));
    }
    let mut languages = vec![Language::En];
    let many = p.categories.contains(&Category::Languages);
    for (language, p_offered) in [
        (Language::Es, 0.4),
        (Language::Fr, 0.2),
        (Language::De, 0.15),
        (Language::Pt, 0.12),
        (Language::It, 0.08),
        (Language::Zh, 0.08),
        (Language::Ja, 0.06),
    ] {
        if chance(rng, if many { 0.8 } else { p_offered }) {
            languages.push(language);
        }
    }
    store.languages = languages;
    store.accessibility = Accessibility::ALL.iter().copied().filter(|_| chance(rng, 0.3)).collect();
    store.works_offline = !online && !subscription && chance(rng, 0.6);

    // Where each group came from, and when it was last checked.
    let checked = |rng: &mut ChaCha8Rng, source: FactSource| Provenance {
        source,
        checked: (source != FactSource::Unknown).then(|| day_after(rng, p.updated)),
    };
    let content_source = pick(rng, &[(FactSource::FamigoTest, 60), (FactSource::StoreListing, 40)]);
    facts.sources.content = checked(rng, content_source);
    let interaction_source = pick(rng, &[(FactSource::FamigoTest, 50), (FactSource::StoreListing, 50)]);
    facts.sources.interaction = checked(rng, interaction_source);
    let privacy_source = if label_known {
        pick(rng, &[(FactSource::StoreLabel, 75), (FactSource::FamigoTest, 25)])
    } else {
        FactSource::Unknown
    };
    facts.sources.privacy = checked(rng, privacy_source);
    let money_source = pick(rng, &[(FactSource::StoreListing, 85), (FactSource::ParentReport, 15)]);
    facts.sources.money = checked(rng, money_source);

    // A few store labels that Famigo's own test contradicts.
    if privacy_source == FactSource::StoreLabel && chance(rng, 0.04) {
        let claimed = [DataType::Identifiers, DataType::Location, DataType::ContactInfo]
            .into_iter()
            .find(|t| facts.privacy.use_of(*t) == Some(DataUse::NotCollected));
        if let Some(data) = claimed {
            facts.conflicts.push(SourceConflict {
                fact: format!("privacy.{}", data.slug()),
                source: FactSource::FamigoTest,
                says: if third_party_ads { DataUse::Tracking } else { DataUse::Linked }.label().to_string(),
                checked: Some(day_after(rng, p.updated)),
            });
        }
    }

    // Famigo has reviewed about four apps in ten.
    if chance(rng, 0.4) {
        facts.review = Some(editorial_review(rng, &facts, p));
    }
    facts
}

fn editorial_review(rng: &mut ChaCha8Rng, facts: &AppFacts, p: &Profile) -> EditorialReview {
    let mut points = Vec::new();
    points.push(format!("What it costs: {}.", app::domain::money_line(&facts.money, p.price_cents)));
    points.push(match facts.interaction.chat {
        Chat::None => "There is no chat.".to_string(),
        Chat::Preset => "Children can only send preset phrases.".to_string(),
        Chat::Moderated => "Chat is moderated, but talk with your child about strangers.".to_string(),
        Chat::Open => "Open chat with strangers: turn it off or stay nearby.".to_string(),
    });
    if facts.privacy.tracks() {
        points.push("Ads track your child across apps; limit ad tracking in the device settings.".to_string());
    } else if facts.privacy.data.is_empty() {
        points.push("We have not checked its privacy label yet.".to_string());
    } else {
        points.push("Nothing it collects is used to track your child.".to_string());
    }
    if !facts.learning.subjects.is_empty() {
        points.push(facts.learning.what_kids_learn.clone());
    }
    if facts.store.works_offline {
        points.push("Works offline, so it is good for trips.".to_string());
    }
    points.truncate(6);
    let verdict = (p.quality + rng.random_range(-0.6..0.6)).round().clamp(1.0, 5.0) as u8;
    EditorialReview {
        need_to_know: points,
        verdict,
        reviewer: FAMIGO_REVIEWERS.choose(rng).unwrap_or(&"Ana Ruiz").to_string(),
        reviewed: day_after(rng, p.updated.max(p.released)),
        version: format!("{}.{}", rng.random_range(1..6), rng.random_range(0..10)),
    }
}
