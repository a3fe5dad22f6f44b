//! The JSON Lines form of the catalog (exports, `famigo import`, `import_catalog`): one app
//! per line in the domain's serde form, after a first line that names the format version,
//! `{"famigo_catalog_format":2}`.
//!
//! Version 1 (exports made before the richer record, with no header line) held four content
//! scores in `content` and four flags in `privacy`; such a line becomes the facts those meant,
//! from an unknown source (`AppFacts::from_legacy`). Either version may come without a header:
//! a line is read by its own shape.

use super::catalog_csv::RowError;
use app::domain::{App, AppFacts, Category, LegacyFlags, Platform};
use chrono::NaiveDate;
use serde::Deserialize;

pub const FORMAT_VERSION: u64 = 2;
const HEADER_KEY: &str = "famigo_catalog_format";

/// The first line of an export.
pub fn header() -> String {
    format!("{{\"{HEADER_KEY}\":{FORMAT_VERSION}}}")
}

/// True for a header line (of any version).
pub fn is_header(line: &str) -> bool {
    line.trim_start().starts_with('{') && line.contains(HEADER_KEY)
}

/// The version a header line names, or why it cannot be read.
pub fn header_version(line_number: u64, line: &str) -> Result<u64, RowError> {
    let bad = |reason: String| RowError { line: line_number, field: HEADER_KEY.into(), reason };
    let value: serde_json::Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
    let version = value[HEADER_KEY].as_u64().ok_or_else(|| bad("the version is not a number".into()))?;
    if version == 0 || version > FORMAT_VERSION {
        return Err(bad(format!("format {version} is not one this famigo reads (1 to {FORMAT_VERSION})")));
    }
    Ok(version)
}

/// An app as version 1 wrote it.
#[derive(Deserialize)]
struct LegacyApp {
    slug: String,
    name: String,
    developer: String,
    description: String,
    platforms: Vec<Platform>,
    price_cents: u32,
    categories: Vec<Category>,
    min_age: u8,
    learning_rating: u8,
    content: LegacyContent,
    privacy: LegacyFlags,
    rating_avg: f32,
    rating_count: u32,
    released: NaiveDate,
    updated: NaiveDate,
}

#[derive(Deserialize)]
struct LegacyContent {
    violence: u8,
    scariness: u8,
    language: u8,
    consumerism: u8,
}

impl LegacyApp {
    fn into_app(self) -> App {
        let c = self.content;
        App {
            facts: AppFacts::from_legacy(
                [c.violence, c.scariness, c.language, c.consumerism],
                self.privacy,
                self.price_cents,
            ),
            slug: self.slug,
            name: self.name,
            developer: self.developer,
            description: self.description,
            platforms: self.platforms,
            price_cents: self.price_cents,
            categories: self.categories,
            min_age: self.min_age,
            max_age: None,
            learning_rating: self.learning_rating,
            rating_avg: self.rating_avg,
            rating_count: self.rating_count,
            released: self.released,
            updated: self.updated,
        }
    }
}

fn row_error(line_number: u64, e: serde_json::Error) -> RowError {
    let text = e.to_string();
    // serde names the field in "missing field `x`" / "unknown field `x`"; otherwise the
    // column tells where the JSON went wrong.
    let field = text.split('`').nth(1).filter(|_| text.contains("field")).unwrap_or("json").to_string();
    RowError { line: line_number, field, reason: text }
}

/// Checks one line: the app it holds (normalized and valid), or what is wrong with it.
pub fn parse_line(line_number: u64, line: &str) -> Result<App, RowError> {
    let value: serde_json::Value = serde_json::from_str(line).map_err(|e| row_error(line_number, e))?;
    let version_1 = value.get("facts").is_none() && value.get("privacy").is_some_and(|p| p.is_object());
    let mut app =
        if version_1 { LegacyApp::deserialize(value).map(LegacyApp::into_app) } else { App::deserialize(value) }
            .map_err(|e| row_error(line_number, e))?;
    app.normalize();
    app.validate().map_err(|e| RowError { line: line_number, field: e.field.to_string(), reason: e.reason })?;
    Ok(app)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_1_line_keeps_what_its_flags_said() {
        let line = r#"{"slug":"dino-math","name":"Dino Math","developer":"Acorn","description":"Count.",
            "platforms":["ios"],"price_cents":0,"categories":["math"],"min_age":5,"learning_rating":4,
            "content":{"violence":1,"scariness":0,"language":0,"consumerism":2},
            "privacy":{"ads":true,"in_app_purchases":true,"collects_data":false,"open_chat":false},
            "rating_avg":4.5,"rating_count":2,"released":"2020-01-01","updated":"2021-01-01"}"#
            .replace('\n', "");
        let app = parse_line(1, &line).unwrap();
        assert!(app.privacy().ads && app.privacy().in_app_purchases && !app.privacy().collects_data);
        assert_eq!(app.facts.content.consumerism.score, 2);
        assert_eq!(app.facts.sources.money.source, app::domain::FactSource::Unknown);
    }

    #[test]
    fn an_export_line_reads_back_whole_and_headers_are_checked() {
        for app in crate::catalog::seed::generate(200, 4) {
            let line = serde_json::to_string(&app).unwrap();
            assert_eq!(parse_line(2, &line).unwrap(), app);
        }
        assert!(is_header(&header()));
        assert_eq!(header_version(1, &header()).unwrap(), FORMAT_VERSION);
        let future = header_version(1, r#"{"famigo_catalog_format":9}"#).unwrap_err();
        assert!(future.reason.contains("format 9"), "{future:?}");
    }
}
