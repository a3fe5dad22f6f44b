//! The CSV form of an app for `import_catalog`: one flat row per app, a header naming the
//! columns (any order). Lists (`platforms`, `categories`) are slugs separated by `;`, flags are
//! `true`/`false` (or `1`/`0`, `yes`/`no`), dates `YYYY-MM-DD`, the price in cents.
//!
//! A spreadsheet says what the old record said: four content scores and four flags
//! (`LEGACY_COLUMNS`, optional), which become facts from an unknown source
//! (`AppFacts::from_legacy`). The whole record travels in the optional `facts` column (the
//! domain's JSON, as exports write it); when it is there, the legacy columns are ignored.

use app::domain::{App, AppFacts, Category, LegacyFlags, Platform};
use std::collections::HashMap;

/// A bad row of an import (JSON Lines or CSV): where, which field, and why.
#[derive(Debug, serde::Serialize, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub reason: String,
}

pub const COLUMNS: &[&str] = &[
    "slug",
    "name",
    "developer",
    "description",
    "platforms",
    "categories",
    "price_cents",
    "min_age",
    "learning_rating",
    "rating_avg",
    "rating_count",
    "released",
    "updated",
];

/// Optional columns: the old record's scores and flags, the best-for age and the whole facts.
pub const OPTIONAL_COLUMNS: &[&str] = &[
    "violence",
    "scariness",
    "language",
    "consumerism",
    "ads",
    "in_app_purchases",
    "collects_data",
    "open_chat",
    "max_age",
    "facts",
];

/// Column positions from the header row; an unknown or missing column is an error on line 1.
pub fn header_index(header: &csv::StringRecord) -> Result<HashMap<&'static str, usize>, RowError> {
    let bad = |reason: String| RowError { line: 1, field: "header".into(), reason };
    let mut index = HashMap::new();
    for (position, name) in header.iter().enumerate() {
        let name = name.trim();
        let known = COLUMNS
            .iter()
            .chain(OPTIONAL_COLUMNS)
            .find(|c| **c == name)
            .ok_or_else(|| bad(format!("unknown column {name:?}")))?;
        index.insert(*known, position);
    }
    if let Some(missing) = COLUMNS.iter().find(|c| !index.contains_key(**c)) {
        return Err(bad(format!("missing column {missing:?}")));
    }
    Ok(index)
}

/// One row as an app (not yet validated against the domain's rules).
pub fn parse_row(line: u64, row: &csv::StringRecord, index: &HashMap<&'static str, usize>) -> Result<App, RowError> {
    let text = |field: &'static str| index.get(field).and_then(|i| row.get(*i)).unwrap_or_default().trim().to_string();
    let bad = |field: &'static str, reason: String| RowError { line, field: field.into(), reason };
    let number = |field: &'static str| -> Result<u32, RowError> {
        text(field).parse::<u32>().map_err(|_| bad(field, format!("{:?} is not a whole number", text(field))))
    };
    let small = |field: &'static str| -> Result<u8, RowError> {
        let n = number(field)?;
        u8::try_from(n).map_err(|_| bad(field, format!("{n} is too large")))
    };
    let flag = |field: &'static str| -> Result<bool, RowError> {
        match text(field).to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" | "" => Ok(false),
            other => Err(bad(field, format!("{other:?} is not true or false"))),
        }
    };
    let date = |field: &'static str| -> Result<chrono::NaiveDate, RowError> {
        chrono::NaiveDate::parse_from_str(&text(field), "%Y-%m-%d")
            .map_err(|_| bad(field, format!("{:?} is not a YYYY-MM-DD date", text(field))))
    };
    fn list<T>(field: &'static str, value: &str, parse: fn(&str) -> Option<T>, line: u64) -> Result<Vec<T>, RowError> {
        value
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                parse(s).ok_or_else(|| RowError {
                    line,
                    field: field.into(),
                    reason: format!("{s:?} is not one of the known values"),
                })
            })
            .collect()
    }
    let price_cents = number("price_cents")?;
    let facts = match text("facts") {
        json if !json.is_empty() => {
            serde_json::from_str::<AppFacts>(&json).map_err(|e| bad("facts", format!("not the facts' JSON: {e}")))?
        }
        _ => {
            let score = |field: &'static str| if text(field).is_empty() { Ok(0) } else { small(field) };
            let scores = [score("violence")?, score("scariness")?, score("language")?, score("consumerism")?];
            let flags = LegacyFlags {
                ads: flag("ads")?,
                in_app_purchases: flag("in_app_purchases")?,
                collects_data: flag("collects_data")?,
                open_chat: flag("open_chat")?,
            };
            AppFacts::from_legacy(scores, flags, price_cents)
        }
    };
    let max_age = if text("max_age").is_empty() { None } else { Some(small("max_age")?) };
    Ok(App {
        slug: text("slug"),
        name: text("name"),
        developer: text("developer"),
        description: text("description"),
        platforms: list("platforms", &text("platforms"), Platform::from_slug, line)?,
        categories: list("categories", &text("categories"), Category::from_slug, line)?,
        price_cents,
        min_age: small("min_age")?,
        max_age,
        learning_rating: small("learning_rating")?,
        facts,
        rating_avg: text("rating_avg")
            .parse::<f32>()
            .ok()
            .filter(|r| r.is_finite())
            .ok_or_else(|| bad("rating_avg", format!("{:?} is not a number", text("rating_avg"))))?,
        rating_count: number("rating_count")?,
        released: date("released")?,
        updated: date("updated")?,
    })
}

/// The row for an app, in `COLUMNS` then `OPTIONAL_COLUMNS` order (for exports and tests).
pub fn to_row(app: &App) -> Vec<String> {
    let content = &app.facts.content;
    let flags = app.privacy();
    let join = |slugs: Vec<&str>| slugs.join(";");
    vec![
        app.slug.clone(),
        app.name.clone(),
        app.developer.clone(),
        app.description.clone(),
        join(app.platforms.iter().map(|p| p.slug()).collect()),
        join(app.categories.iter().map(|c| c.slug()).collect()),
        app.price_cents.to_string(),
        app.min_age.to_string(),
        app.learning_rating.to_string(),
        app.rating_avg.to_string(),
        app.rating_count.to_string(),
        app.released.format("%Y-%m-%d").to_string(),
        app.updated.format("%Y-%m-%d").to_string(),
        content.violence.score.to_string(),
        content.scariness.score.to_string(),
        content.language.score.to_string(),
        content.consumerism.score.to_string(),
        flags.ads.to_string(),
        flags.in_app_purchases.to_string(),
        flags.collects_data.to_string(),
        flags.open_chat.to_string(),
        app.max_age.map(|a| a.to_string()).unwrap_or_default(),
        serde_json::to_string(&app.facts).unwrap_or_default(),
    ]
}
