//! The admin's app form: what the browser posts (text, as typed), and its parsing into an
//! `App` with every problem named by field, so the page can show each error beside its input.
//! The same code runs in the browser and on the server.

use super::app::{App, Category, Platform, MAX_AGE, MAX_RATING, MIN_AGE};
use super::facts::{
    format_cents, Accessibility, Ads, AppFacts, Chat, ContentKind, DataType, DataUse, EditorialReview, FactGroup,
    FactSource, Language, LinkGate, PriceModel, PriceRange, SourceConflict, Subject,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A problem with one input of a form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The input's name (`name`, `price`, `violence`…).
    pub field: String,
    pub message: String,
}

/// The fields as posted (`form[name]`, `form[scores][violence]`, `form[platforms][]`…).
/// Checkboxes are present (any value) when ticked; lists are the ticked slugs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppForm {
    pub slug: String,
    pub name: String,
    pub developer: String,
    pub description: String,
    pub platforms: Vec<String>,
    pub categories: Vec<String>,
    /// Dollars, like `2.99`; empty or `0` = free.
    pub price: String,
    pub min_age: String,
    /// Empty: no upper age.
    pub max_age: String,
    pub learning_rating: String,
    /// The content grid: score and note by `ContentKind` slug.
    pub scores: BTreeMap<String, String>,
    pub notes: BTreeMap<String, String>,
    pub chat: String,
    pub external_links: String,
    /// The ticked yes/no interaction facts (`INTERACTION_FLAGS`).
    pub interaction: Vec<String>,
    /// The privacy label: each data type's use by slug (empty: not checked yet).
    pub data: BTreeMap<String, String>,
    pub policy_url: String,
    pub deletion_on_request: Option<String>,
    pub model: String,
    /// Dollars a month.
    pub subscription: String,
    pub purchases: Option<String>,
    /// Cheapest and dearest in-app purchase in dollars (both empty: not known).
    pub purchases_low: String,
    pub purchases_high: String,
    pub loot_boxes: Option<String>,
    pub ads: String,
    pub subjects: Vec<String>,
    pub what_kids_learn: String,
    /// Famigo's review: empty verdict = none yet. `need_to_know` holds one point per line.
    pub verdict: String,
    pub need_to_know: String,
    pub reviewer: String,
    pub reviewed: String,
    pub version: String,
    pub app_store: String,
    pub google_play: String,
    pub amazon: String,
    pub website: String,
    pub languages: Vec<String>,
    pub accessibility: Vec<String>,
    pub works_offline: Option<String>,
    /// Each fact group's source and last-checked date, by `FactGroup` slug.
    pub sources: BTreeMap<String, String>,
    pub checked: BTreeMap<String, String>,
    /// The group whose "verified today" button sent the form (empty: the plain save).
    pub verified: String,
    /// Disagreeing sources, one per line: `fact | source | what it says | YYYY-MM-DD`.
    pub conflicts: String,
    /// `YYYY-MM-DD`.
    pub released: String,
    pub updated: String,
}

/// The yes/no interaction facts, in the order the form shows them.
pub const INTERACTION_FLAGS: [(&str, &str); 5] = [
    ("users_interact", "Players can interact"),
    ("shares_location", "Shares the child's location"),
    ("unrestricted_internet", "Unrestricted internet"),
    ("user_content", "Content made by other users"),
    ("account_required", "Needs an account"),
];

fn dollars(cents: u32) -> String {
    format_cents(cents).trim_start_matches('$').to_string()
}

fn day(date: Option<NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

impl AppForm {
    /// A blank form for a new app, released and updated `today`.
    pub fn new_app(today: NaiveDate) -> AppForm {
        let mut form = AppForm::from_app(&App {
            slug: String::new(),
            name: String::new(),
            developer: String::new(),
            description: String::new(),
            platforms: Vec::new(),
            price_cents: 0,
            categories: Vec::new(),
            min_age: 5,
            max_age: None,
            learning_rating: 0,
            facts: AppFacts::default(),
            rating_avg: 0.0,
            rating_count: 0,
            released: today,
            updated: today,
        });
        form.price.clear();
        form
    }

    pub fn from_app(app: &App) -> AppForm {
        let tick = |on: bool| on.then(|| "on".to_string());
        let f = &app.facts;
        let i = &f.interaction;
        let flags = [i.users_interact, i.shares_location, i.unrestricted_internet, i.user_content, i.account_required];
        let review = f.review.as_ref();
        let slugs = |list: Vec<&'static str>| list.into_iter().map(String::from).collect::<Vec<_>>();
        let by_group = |value: &dyn Fn(FactGroup) -> String| {
            FactGroup::ALL.iter().map(|g| (g.slug().to_string(), value(*g))).collect::<BTreeMap<_, _>>()
        };
        AppForm {
            slug: app.slug.clone(),
            name: app.name.clone(),
            developer: app.developer.clone(),
            description: app.description.clone(),
            platforms: slugs(app.platforms.iter().map(|p| p.slug()).collect()),
            categories: slugs(app.categories.iter().map(|c| c.slug()).collect()),
            price: if app.price_cents == 0 { "0".into() } else { dollars(app.price_cents) },
            min_age: app.min_age.to_string(),
            max_age: app.max_age.map(|a| a.to_string()).unwrap_or_default(),
            learning_rating: app.learning_rating.to_string(),
            scores: ContentKind::ALL
                .iter()
                .map(|k| (k.slug().to_string(), f.content.get(*k).score.to_string()))
                .collect(),
            notes: ContentKind::ALL.iter().map(|k| (k.slug().to_string(), f.content.get(*k).note.clone())).collect(),
            chat: i.chat.slug().into(),
            external_links: i.external_links.slug().into(),
            interaction: INTERACTION_FLAGS
                .iter()
                .zip(flags)
                .filter(|(_, on)| *on)
                .map(|((name, _), _)| name.to_string())
                .collect(),
            data: DataType::ALL
                .iter()
                .map(|t| (t.slug().to_string(), f.privacy.use_of(*t).map(|u| u.slug().to_string()).unwrap_or_default()))
                .collect(),
            policy_url: f.privacy.policy_url.clone().unwrap_or_default(),
            deletion_on_request: tick(f.privacy.deletion_on_request),
            model: f.money.model.slug().into(),
            subscription: f.money.subscription_cents.map(dollars).unwrap_or_default(),
            purchases: tick(f.money.purchases),
            purchases_low: f.money.purchase_range.map(|r| dollars(r.low)).unwrap_or_default(),
            purchases_high: f.money.purchase_range.map(|r| dollars(r.high)).unwrap_or_default(),
            loot_boxes: tick(f.money.loot_boxes),
            ads: f.money.ads.slug().into(),
            subjects: slugs(f.learning.subjects.iter().map(|s| s.slug()).collect()),
            what_kids_learn: f.learning.what_kids_learn.clone(),
            verdict: review.map(|r| r.verdict.to_string()).unwrap_or_default(),
            need_to_know: review.map(|r| r.need_to_know.join("\n")).unwrap_or_default(),
            reviewer: review.map(|r| r.reviewer.clone()).unwrap_or_default(),
            reviewed: day(review.map(|r| r.reviewed)),
            version: review.map(|r| r.version.clone()).unwrap_or_default(),
            app_store: f.store.app_store.clone().unwrap_or_default(),
            google_play: f.store.google_play.clone().unwrap_or_default(),
            amazon: f.store.amazon.clone().unwrap_or_default(),
            website: f.store.website.clone().unwrap_or_default(),
            languages: slugs(f.store.languages.iter().map(|l| l.slug()).collect()),
            accessibility: slugs(f.store.accessibility.iter().map(|a| a.slug()).collect()),
            works_offline: tick(f.store.works_offline),
            sources: by_group(&|g| f.sources.of(g).source.slug().to_string()),
            checked: by_group(&|g| day(f.sources.of(g).checked)),
            verified: String::new(),
            conflicts: f
                .conflicts
                .iter()
                .map(|c| format!("{} | {} | {} | {}", c.fact, c.source.slug(), c.says, day(c.checked)))
                .collect::<Vec<_>>()
                .join("\n"),
            released: app.released.to_string(),
            updated: app.updated.to_string(),
        }
    }

    pub fn score(&self, kind: ContentKind) -> &str {
        self.scores.get(kind.slug()).map_or("0", String::as_str)
    }

    pub fn note(&self, kind: ContentKind) -> &str {
        self.notes.get(kind.slug()).map_or("", String::as_str)
    }

    pub fn data_use(&self, data: DataType) -> &str {
        self.data.get(data.slug()).map_or("", String::as_str)
    }

    pub fn source(&self, group: FactGroup) -> &str {
        self.sources.get(group.slug()).map_or("unknown", String::as_str)
    }

    pub fn checked_on(&self, group: FactGroup) -> &str {
        self.checked.get(group.slug()).map_or("", String::as_str)
    }

    pub fn is_ticked(&self, list: &[String], slug: &str) -> bool {
        list.iter().any(|s| s == slug)
    }

    /// The app this form describes (text trimmed), keeping `rating` (average, count), which
    /// parents' reviews set, not the form; `today` dates a "verified today". Every problem is
    /// reported, each under its field.
    pub fn to_app(&self, rating: (f32, u32), today: NaiveDate) -> Result<App, Vec<FieldError>> {
        let mut e = Problems(Vec::new());
        let slug = self.slug.trim().to_string();
        if !super::is_valid_slug(&slug) {
            e.fail("slug", "Use 1–80 lowercase letters, digits or dashes, like my-app.");
        }
        let text = |value: &str, max: usize| {
            let value = value.trim();
            (!value.is_empty() && value.chars().count() <= max).then(|| value.to_string())
        };
        let name = text(&self.name, 120).unwrap_or_else(|| {
            e.fail("name", "Give the app a name of 1–120 characters.");
            String::new()
        });
        let developer = text(&self.developer, 120).unwrap_or_else(|| {
            e.fail("developer", "Name the developer in 1–120 characters.");
            String::new()
        });
        let description = self.description.trim().to_string();
        if description.chars().count() > 5000 {
            e.fail("description", "Keep the description to 5000 characters.");
        }
        let platforms: Vec<Platform> = self.platforms.iter().filter_map(|s| Platform::from_slug(s)).collect();
        if platforms.is_empty() || platforms.len() != self.platforms.len() {
            e.fail("platforms", "Tick at least one platform.");
        }
        let categories: Vec<Category> = self.categories.iter().filter_map(|s| Category::from_slug(s)).collect();
        if categories.is_empty() || categories.len() != self.categories.len() {
            e.fail("categories", "Tick at least one category.");
        }
        let price_cents = parse_price(&self.price).unwrap_or_else(|| {
            e.fail("price", "Write the price in dollars, like 2.99, or 0 for free.");
            0
        });
        let min_age = e.number(
            "min_age",
            &self.min_age,
            MIN_AGE,
            MAX_AGE,
            "The youngest age must be a whole number from 2 to 18.",
        );
        let max_age = (!self.max_age.trim().is_empty()).then(|| {
            e.number(
                "max_age",
                &self.max_age,
                min_age,
                MAX_AGE,
                "The best-for age is from the youngest age to 18, or empty.",
            )
        });
        let learning_rating =
            e.number("learning_rating", &self.learning_rating, 0, MAX_RATING, "Rate learning from 0 to 5.");
        let mut facts = AppFacts::default();
        for kind in ContentKind::ALL {
            let score = e.number(kind.slug(), self.score(*kind), 0, MAX_RATING, "Rate from 0 (none) to 5 (a lot).");
            let note = self.note(*kind).trim().to_string();
            if note.chars().count() > super::facts::MAX_NOTE_CHARS || note.contains(['\n', '\r']) {
                e.fail(&format!("{}-note", kind.slug()), "Keep the note to one line of 200 characters.");
            }
            *facts.content.get_mut(*kind) = super::facts::Score { score, note };
        }
        let i = &mut facts.interaction;
        i.chat = Chat::from_slug(self.chat.trim()).unwrap_or_else(|| {
            e.fail("chat", "Choose how children can chat.");
            Chat::None
        });
        i.external_links = LinkGate::from_slug(self.external_links.trim()).unwrap_or_else(|| {
            e.fail("external_links", "Choose where links lead.");
            LinkGate::None
        });
        let ticked = |name: &str| self.interaction.iter().any(|s| s == name);
        i.users_interact = ticked("users_interact");
        i.shares_location = ticked("shares_location");
        i.unrestricted_internet = ticked("unrestricted_internet");
        i.user_content = ticked("user_content");
        i.account_required = ticked("account_required");
        if self.interaction.iter().any(|s| !INTERACTION_FLAGS.iter().any(|(n, _)| n == s)) {
            e.fail("interaction", "Tick only the listed interactions.");
        }
        for data in DataType::ALL {
            let value = self.data_use(*data).trim();
            if value.is_empty() {
                continue;
            }
            match DataUse::from_slug(value) {
                Some(usage) => {
                    facts.privacy.data.insert(*data, usage);
                }
                None => e.fail(&format!("data-{}", data.slug()), "Choose what the app does with this data."),
            }
        }
        facts.privacy.policy_url = e.url("policy_url", &self.policy_url);
        facts.privacy.deletion_on_request = self.deletion_on_request.is_some();
        let money = &mut facts.money;
        money.model = PriceModel::from_slug(self.model.trim()).unwrap_or_else(|| {
            e.fail("model", "Choose how the app asks for money.");
            PriceModel::Free
        });
        money.ads = Ads::from_slug(self.ads.trim()).unwrap_or_else(|| {
            e.fail("ads", "Choose which ads children see.");
            Ads::None
        });
        money.loot_boxes = self.loot_boxes.is_some();
        money.subscription_cents = e.optional_price("subscription", &self.subscription);
        let low = e.optional_price("purchases_low", &self.purchases_low);
        let high = e.optional_price("purchases_high", &self.purchases_high);
        money.purchase_range = match (low, high) {
            (Some(low), Some(high)) => Some(PriceRange { low, high }),
            (Some(one), None) | (None, Some(one)) => Some(PriceRange { low: one, high: one }),
            (None, None) => None,
        };
        // A price range or loot boxes say the app sells things, ticked or not.
        money.purchases = self.purchases.is_some() || money.purchase_range.is_some() || money.loot_boxes;
        let subjects: Vec<Subject> = self.subjects.iter().filter_map(|s| Subject::from_slug(s)).collect();
        if subjects.len() != self.subjects.len() {
            e.fail("subjects", "Tick only the listed subjects.");
        }
        facts.learning.subjects = subjects;
        facts.learning.what_kids_learn = self.what_kids_learn.trim().to_string();
        if !self.verdict.trim().is_empty() {
            let verdict =
                e.number("verdict", &self.verdict, 1, 5, "Give Famigo's verdict from 1 to 5, or leave it empty.");
            let need_to_know: Vec<String> =
                self.need_to_know.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
            if !(3..=6).contains(&need_to_know.len()) {
                e.fail("need_to_know", "Write 3 to 6 points, one per line.");
            }
            let reviewer = text(&self.reviewer, 80).unwrap_or_else(|| {
                e.fail("reviewer", "Name who reviewed it.");
                String::new()
            });
            let reviewed = NaiveDate::parse_from_str(self.reviewed.trim(), "%Y-%m-%d").unwrap_or_else(|_| {
                e.fail("reviewed", "Use a date like 2026-11-27.");
                today
            });
            if reviewed > today {
                e.fail("reviewed", "The review date cannot be in the future.");
            }
            facts.review = Some(EditorialReview {
                need_to_know,
                verdict,
                reviewer,
                reviewed,
                version: self.version.trim().to_string(),
            });
        }
        let store = &mut facts.store;
        let id = |value: &str| Some(value.trim().to_string()).filter(|v| !v.is_empty());
        store.app_store = id(&self.app_store).map(|v| v.trim_start_matches("id").to_string());
        store.google_play = id(&self.google_play);
        store.amazon = id(&self.amazon);
        store.website = e.url("website", &self.website);
        let languages: Vec<Language> = self.languages.iter().filter_map(|s| Language::from_slug(s)).collect();
        let accessibility: Vec<Accessibility> =
            self.accessibility.iter().filter_map(|s| Accessibility::from_slug(s)).collect();
        if languages.len() != self.languages.len() {
            e.fail("languages", "Tick only the listed languages.");
        }
        if accessibility.len() != self.accessibility.len() {
            e.fail("accessibility", "Tick only the listed features.");
        }
        store.languages = languages;
        store.accessibility = accessibility;
        store.works_offline = self.works_offline.is_some();
        for group in FactGroup::ALL {
            let provenance = facts.sources.of_mut(*group);
            provenance.source = FactSource::from_slug(self.source(*group)).unwrap_or_else(|| {
                e.fail(&format!("source-{}", group.slug()), "Choose where these facts come from.");
                FactSource::Unknown
            });
            let checked = self.checked_on(*group).trim();
            provenance.checked = if checked.is_empty() {
                None
            } else {
                match NaiveDate::parse_from_str(checked, "%Y-%m-%d") {
                    Ok(d) if d <= today => Some(d),
                    Ok(_) => {
                        e.fail(&format!("checked-{}", group.slug()), "A check cannot be dated in the future.");
                        None
                    }
                    Err(_) => {
                        e.fail(&format!("checked-{}", group.slug()), "Use a date like 2026-11-27.");
                        None
                    }
                }
            };
            if self.verified == group.slug() {
                if provenance.source == FactSource::Unknown {
                    e.fail(
                        &format!("source-{}", group.slug()),
                        "Say which source you checked before marking it verified.",
                    );
                }
                provenance.checked = Some(today);
            }
        }
        if !self.verified.is_empty() && FactGroup::from_slug(&self.verified).is_none() {
            e.fail("verified", "Unknown group of facts.");
        }
        for (n, line) in self.conflicts.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            match parse_conflict(line, today) {
                Some(conflict) => facts.conflicts.push(conflict),
                None => e.fail(
                    "conflicts",
                    &format!(
                        "Line {}: write fact | source | what it says | YYYY-MM-DD (the date may be empty).",
                        n + 1
                    ),
                ),
            }
        }
        let (released, updated) = (e.date("released", &self.released), e.date("updated", &self.updated));
        if let (Some(r), Some(u)) = (released, updated) {
            if u < r {
                e.fail("updated", "The last update cannot be before the release.");
            }
        }
        let (Some(released), Some(updated)) = (released, updated) else { return Err(e.0) };
        if !e.0.is_empty() {
            return Err(e.0);
        }
        let mut app = App {
            slug,
            name,
            developer,
            description,
            platforms,
            price_cents,
            categories,
            min_age,
            max_age,
            learning_rating,
            facts,
            rating_avg: rating.0,
            rating_count: rating.1,
            released,
            updated,
        };
        app.normalize();
        // The store's own rules (how price, model and purchases fit together, store ids…).
        app.validate().map_err(|e| vec![FieldError { field: e.field.into(), message: sentence(&e.reason) }])?;
        Ok(app)
    }
}

/// The problems found so far, each under its input's name.
struct Problems(Vec<FieldError>);

impl Problems {
    fn fail(&mut self, field: &str, message: &str) {
        self.0.push(FieldError { field: field.into(), message: message.into() });
    }

    fn number(&mut self, field: &str, value: &str, lo: u8, hi: u8, message: &str) -> u8 {
        match value.trim().parse::<u8>() {
            Ok(n) if (lo..=hi).contains(&n) => n,
            _ => {
                self.fail(field, message);
                lo
            }
        }
    }

    fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
        let parsed = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok();
        if parsed.is_none() {
            self.fail(field, "Use a date like 2026-11-27.");
        }
        parsed
    }

    fn url(&mut self, field: &str, value: &str) -> Option<String> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        if !super::facts::is_web_url(value) {
            self.fail(field, "Give a full https:// address.");
            return None;
        }
        Some(value.to_string())
    }

    fn optional_price(&mut self, field: &str, value: &str) -> Option<u32> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        match parse_price(value) {
            Some(cents) if cents > 0 => Some(cents),
            _ => {
                self.fail(field, "Write a price in dollars, like 4.99, or leave it empty.");
                None
            }
        }
    }
}

fn sentence(reason: &str) -> String {
    let mut chars = reason.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    format!("{first}{}.", chars.as_str())
}

fn parse_conflict(line: &str, today: NaiveDate) -> Option<SourceConflict> {
    let parts: Vec<&str> = line.split('|').map(str::trim).collect();
    let (fact, source, says, checked) = match parts[..] {
        [fact, source, says] => (fact, source, says, ""),
        [fact, source, says, checked] => (fact, source, says, checked),
        _ => return None,
    };
    let checked = if checked.is_empty() {
        None
    } else {
        Some(NaiveDate::parse_from_str(checked, "%Y-%m-%d").ok().filter(|d| *d <= today)?)
    };
    (!fact.is_empty() && !says.is_empty()).then_some(())?;
    Some(SourceConflict {
        fact: fact.to_string(),
        source: FactSource::from_slug(source)?,
        says: says.to_string(),
        checked,
    })
}

/// `2.99`, `$2.99`, `3`, `0`, `` (free) → cents; at most $999.99 and two decimals.
fn parse_price(text: &str) -> Option<u32> {
    let text = text.trim().trim_start_matches('$');
    if text.is_empty() || text.eq_ignore_ascii_case("free") {
        return Some(0);
    }
    let (dollars, cents) = text.split_once('.').unwrap_or((text, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if dollars.is_empty() || dollars.len() > 3 || !all_digits(dollars) || cents.len() > 2 || !all_digits(cents) {
        return None;
    }
    let cents = if cents.is_empty() { 0 } else { format!("{cents:0<2}").parse::<u32>().ok()? };
    Some(dollars.parse::<u32>().ok()? * 100 + cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn good() -> AppForm {
        let mut form = AppForm {
            slug: "dino-math".into(),
            name: "  Dino Math ".into(),
            developer: "Tiny Owl".into(),
            description: "Count with dinosaurs.".into(),
            platforms: vec!["web".into(), "ios".into()],
            categories: vec!["math".into()],
            price: "$2.5".into(),
            model: "paid-once".into(),
            ads: "own".into(),
            interaction: vec!["users_interact".into()],
            subjects: vec!["math".into(), "memory".into()],
            purchases_low: "0.99".into(),
            purchases_high: "4.99".into(),
            verdict: "4".into(),
            need_to_know: "Counting to 20\n\nNo chat\nOne-time price".into(),
            reviewer: "Sam Lee".into(),
            reviewed: "2026-11-20".into(),
            version: "2.1".into(),
            google_play: "com.tinyowl.dinomath".into(),
            app_store: "id1234567890".into(),
            languages: vec!["es".into(), "en".into()],
            conflicts: "money.ads | famigo-test | Third-party ads | 2026-11-02".into(),
            ..AppForm::new_app(today())
        };
        form.scores.insert("violence".into(), "1".into());
        form.notes.insert("violence".into(), "Cartoon dinosaurs bump heads.".into());
        form.data.insert("identifiers".into(), "not-linked".into());
        form.sources.insert("money".into(), "store-listing".into());
        form
    }

    #[test]
    fn a_good_form_becomes_a_normalized_app_and_back() {
        let app = good().to_app((4.5, 12), today()).unwrap();
        assert_eq!((app.name.as_str(), app.price_cents, app.min_age), ("Dino Math", 250, 5));
        assert_eq!(app.platforms, vec![Platform::Ios, Platform::Web]);
        assert!(app.privacy().ads && app.privacy().in_app_purchases && !app.privacy().open_chat);
        assert!(!app.privacy().collects_data, "not-linked data is not personal");
        assert_eq!(app.facts.content.violence.note, "Cartoon dinosaurs bump heads.");
        assert_eq!(app.facts.store.app_store.as_deref(), Some("1234567890"), "the id prefix is dropped");
        assert_eq!(app.facts.review.as_ref().map(|r| r.need_to_know.len()), Some(3), "blank lines skipped");
        assert_eq!(app.facts.conflicts.len(), 1);
        assert_eq!((app.rating_avg, app.rating_count), (4.5, 12), "ratings are kept, not edited");
        assert_eq!(AppForm::from_app(&app).to_app((4.5, 12), today()).unwrap(), app);
    }

    #[test]
    fn verified_today_dates_the_group_it_was_pressed_for() {
        let app = AppForm { verified: "money".into(), ..good() }.to_app((0.0, 0), today()).unwrap();
        assert_eq!(app.facts.sources.money.checked, Some(today()));
        assert_eq!(app.facts.sources.privacy.checked, None, "other groups keep their date");
        let unsourced = AppForm { verified: "privacy".into(), ..good() };
        let fields: Vec<String> =
            unsourced.to_app((0.0, 0), today()).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["source-privacy"], "a check needs a source");
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let mut form = AppForm {
            slug: "Dino Math!".into(),
            name: " ".into(),
            platforms: vec![],
            categories: vec!["cooking".into()],
            price: "2.999".into(),
            min_age: "1".into(),
            chat: "sometimes".into(),
            website: "http://plain.example".into(),
            conflicts: "money.ads | a rumour | ads".into(),
            released: "2026-11-27".into(),
            updated: "2026-01-01".into(),
            ..good()
        };
        form.scores.insert("violence".into(), "6".into());
        form.data.insert("location".into(), "sold".into());
        form.checked.insert("content".into(), "2027-01-01".into());
        let fields: Vec<String> = form.to_app((0.0, 0), today()).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "slug",
                "name",
                "platforms",
                "categories",
                "price",
                "min_age",
                "violence",
                "chat",
                "data-location",
                "website",
                "checked-content",
                "conflicts",
                "updated"
            ]
        );
    }

    #[test]
    fn the_record_s_own_rules_come_back_under_their_input() {
        let free_with_price = AppForm { model: "free".into(), ..good() };
        let errors = free_with_price.to_app((0.0, 0), today()).unwrap_err();
        assert_eq!(errors[0].field, "price", "{errors:?}");
        let bad_play_id = AppForm { google_play: "not a package".into(), ..good() };
        assert_eq!(bad_play_id.to_app((0.0, 0), today()).unwrap_err()[0].field, "google_play");
    }

    #[test]
    fn prices_parse_as_dollars() {
        for (text, cents) in [
            ("", Some(0)),
            ("free", Some(0)),
            ("0", Some(0)),
            ("3", Some(300)),
            ("$4.99", Some(499)),
            ("0.5", Some(50)),
            ("1.234", None),
            ("-1", None),
            ("1e3", None),
            ("1000", None),
        ] {
            assert_eq!(parse_price(text), cents, "{text:?}");
        }
    }
}
