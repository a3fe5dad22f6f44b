//! The admin's app form: what the browser posts (text, as typed), and its parsing into an
//! `App` with every problem named by field, so the page can show each error beside its input.
//! The same code runs in the browser and on the server.

use super::app::{App, Category, ContentRatings, Platform, PrivacyFlags, MAX_AGE, MAX_RATING, MIN_AGE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A problem with one input of a form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The input's name (`name`, `price`, `violence`…).
    pub field: String,
    pub message: String,
}

/// The fields as posted. Checkboxes are present (any value) when ticked; platforms and
/// categories are lists of slugs.
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
    pub learning_rating: String,
    pub violence: String,
    pub scariness: String,
    pub language: String,
    pub consumerism: String,
    pub ads: Option<String>,
    pub in_app_purchases: Option<String>,
    pub collects_data: Option<String>,
    pub open_chat: Option<String>,
    /// `YYYY-MM-DD`.
    pub released: String,
    pub updated: String,
}

/// The content ratings' inputs, in the order the form shows them.
pub const CONTENT_FIELDS: [(&str, &str); 4] =
    [("violence", "Violence"), ("scariness", "Scariness"), ("language", "Language"), ("consumerism", "Consumerism")];
/// The privacy checkboxes, in the order the form shows them.
pub const PRIVACY_FIELDS: [(&str, &str); 4] = [
    ("ads", "Shows ads"),
    ("in_app_purchases", "In-app purchases"),
    ("collects_data", "Collects data"),
    ("open_chat", "Open chat"),
];

impl AppForm {
    /// A blank form for a new app, released and updated `today`.
    pub fn new_app(today: NaiveDate) -> AppForm {
        let zero = || "0".to_string();
        AppForm {
            min_age: "5".into(),
            learning_rating: zero(),
            violence: zero(),
            scariness: zero(),
            language: zero(),
            consumerism: zero(),
            released: today.to_string(),
            updated: today.to_string(),
            ..AppForm::default()
        }
    }

    pub fn from_app(app: &App) -> AppForm {
        let tick = |on: bool| on.then(|| "on".to_string());
        AppForm {
            slug: app.slug.clone(),
            name: app.name.clone(),
            developer: app.developer.clone(),
            description: app.description.clone(),
            platforms: app.platforms.iter().map(|p| p.slug().to_string()).collect(),
            categories: app.categories.iter().map(|c| c.slug().to_string()).collect(),
            price: if app.price_cents == 0 {
                "0".into()
            } else {
                format!("{}.{:02}", app.price_cents / 100, app.price_cents % 100)
            },
            min_age: app.min_age.to_string(),
            learning_rating: app.learning_rating.to_string(),
            violence: app.content.violence.to_string(),
            scariness: app.content.scariness.to_string(),
            language: app.content.language.to_string(),
            consumerism: app.content.consumerism.to_string(),
            ads: tick(app.privacy.ads),
            in_app_purchases: tick(app.privacy.in_app_purchases),
            collects_data: tick(app.privacy.collects_data),
            open_chat: tick(app.privacy.open_chat),
            released: app.released.to_string(),
            updated: app.updated.to_string(),
        }
    }

    /// The text of a content rating input by its name.
    pub fn content_value(&self, field: &str) -> &str {
        match field {
            "violence" => &self.violence,
            "scariness" => &self.scariness,
            "language" => &self.language,
            _ => &self.consumerism,
        }
    }

    pub fn privacy_ticked(&self, field: &str) -> bool {
        match field {
            "ads" => self.ads.is_some(),
            "in_app_purchases" => self.in_app_purchases.is_some(),
            "collects_data" => self.collects_data.is_some(),
            _ => self.open_chat.is_some(),
        }
    }

    /// The app this form describes (text trimmed), keeping `rating` (average, count), which
    /// parents' reviews set, not the form. Every problem is reported, each under its field.
    pub fn to_app(&self, rating: (f32, u32)) -> Result<App, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut fail =
            |field: &str, message: &str| errors.push(FieldError { field: field.into(), message: message.into() });
        let slug = self.slug.trim().to_string();
        if !super::is_valid_slug(&slug) {
            fail("slug", "Use 1–80 lowercase letters, digits or dashes, like my-app.");
        }
        let text = |value: &str, max: usize| {
            let value = value.trim();
            (!value.is_empty() && value.chars().count() <= max).then(|| value.to_string())
        };
        let name = text(&self.name, 120).unwrap_or_else(|| {
            fail("name", "Give the app a name of 1–120 characters.");
            String::new()
        });
        let developer = text(&self.developer, 120).unwrap_or_else(|| {
            fail("developer", "Name the developer in 1–120 characters.");
            String::new()
        });
        let description = self.description.trim().to_string();
        if description.chars().count() > 5000 {
            fail("description", "Keep the description to 5000 characters.");
        }
        let platforms: Vec<Platform> = self.platforms.iter().filter_map(|s| Platform::from_slug(s)).collect();
        if platforms.is_empty() || platforms.len() != self.platforms.len() {
            fail("platforms", "Tick at least one platform.");
        }
        let categories: Vec<Category> = self.categories.iter().filter_map(|s| Category::from_slug(s)).collect();
        if categories.is_empty() || categories.len() != self.categories.len() {
            fail("categories", "Tick at least one category.");
        }
        let price_cents = parse_price(&self.price).unwrap_or_else(|| {
            fail("price", "Write the price in dollars, like 2.99, or 0 for free.");
            0
        });
        let mut number = |field: &str, value: &str, lo: u8, hi: u8, message: &str| -> u8 {
            match value.trim().parse::<u8>() {
                Ok(n) if (lo..=hi).contains(&n) => n,
                _ => {
                    fail(field, message);
                    lo
                }
            }
        };
        let min_age =
            number("min_age", &self.min_age, MIN_AGE, MAX_AGE, "The youngest age must be a whole number from 2 to 18.");
        let learning_rating =
            number("learning_rating", &self.learning_rating, 0, MAX_RATING, "Rate learning from 0 to 5.");
        let content_message = "Rate from 0 (none) to 5 (a lot).";
        let content = ContentRatings {
            violence: number("violence", &self.violence, 0, MAX_RATING, content_message),
            scariness: number("scariness", &self.scariness, 0, MAX_RATING, content_message),
            language: number("language", &self.language, 0, MAX_RATING, content_message),
            consumerism: number("consumerism", &self.consumerism, 0, MAX_RATING, content_message),
        };
        let mut date = |field: &str, value: &str| {
            NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
                .map_err(|_| fail(field, "Use a date like 2026-11-27."))
                .ok()
        };
        let (released, updated) = (date("released", &self.released), date("updated", &self.updated));
        if let (Some(r), Some(u)) = (released, updated) {
            if u < r {
                fail("updated", "The last update cannot be before the release.");
            }
        }
        let (Some(released), Some(updated)) = (released, updated) else { return Err(errors) };
        if !errors.is_empty() {
            return Err(errors);
        }
        let privacy = PrivacyFlags {
            ads: self.ads.is_some(),
            in_app_purchases: self.in_app_purchases.is_some(),
            collects_data: self.collects_data.is_some(),
            open_chat: self.open_chat.is_some(),
        };
        let mut app = App {
            slug,
            name,
            developer,
            description,
            platforms,
            price_cents,
            categories,
            min_age,
            learning_rating,
            content,
            privacy,
            rating_avg: rating.0,
            rating_count: rating.1,
            released,
            updated,
        };
        app.normalize();
        // The store's own rules, should they ever say more than the checks above.
        app.validate().map_err(|e| vec![FieldError { field: e.field.into(), message: e.reason }])?;
        Ok(app)
    }
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

    fn good() -> AppForm {
        AppForm {
            slug: "dino-math".into(),
            name: "  Dino Math ".into(),
            developer: "Tiny Owl".into(),
            description: "Count with dinosaurs.".into(),
            platforms: vec!["web".into(), "ios".into()],
            categories: vec!["math".into()],
            price: "$2.5".into(),
            ads: Some("on".into()),
            ..AppForm::new_app(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap())
        }
    }

    #[test]
    fn a_good_form_becomes_a_normalized_app_and_back() {
        let app = good().to_app((4.5, 12)).unwrap();
        assert_eq!((app.name.as_str(), app.price_cents, app.min_age), ("Dino Math", 250, 5));
        assert_eq!(app.platforms, vec![Platform::Ios, Platform::Web]);
        assert!(app.privacy.ads && !app.privacy.open_chat);
        assert_eq!((app.rating_avg, app.rating_count), (4.5, 12), "ratings are kept, not edited");
        assert_eq!(AppForm::from_app(&app).to_app((4.5, 12)).unwrap(), app);
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let form = AppForm {
            slug: "Dino Math!".into(),
            name: " ".into(),
            platforms: vec![],
            categories: vec!["cooking".into()],
            price: "2.999".into(),
            min_age: "1".into(),
            violence: "6".into(),
            released: "2026-11-27".into(),
            updated: "2026-01-01".into(),
            ..good()
        };
        let fields: Vec<String> = form.to_app((0.0, 0)).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["slug", "name", "platforms", "categories", "price", "min_age", "violence", "updated"]);
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
