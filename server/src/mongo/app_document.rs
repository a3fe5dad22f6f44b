//! The typed MongoDB documents of the catalog (the role MongoEngine's models played): how an
//! `App` is stored, field by field, and back.
//!
//! `_id` is an ObjectId MongoDB assigns (absent until stored); `slug` is unique. Sets (platforms, categories) are arrays of their URL slugs, so a filter
//! is `{platforms: "ios"}` and a multikey index serves it. Dates are BSON dates at midnight
//! UTC. `name_key` (the lowercase name) backs the A–Z order; `age_band` (the band's slug)
//! backs the age filter and its facet counts. `facts` is the domain's `AppFacts` as a
//! subdocument; `privacy` holds the four flags worked out from it (`App::privacy`) and `filters`
//! the rest of what the filters and facet counts read (`FactFilters`).

use app::domain::{App, AppFacts, Category, Language, Platform, PrivacyFlags, SafetyCheck, Subject};
use app::ports::{BackendError, StoreError};
use chrono::NaiveDate;
use mongodb::bson::{self, oid::ObjectId, DateTime, Document};
use serde::{Deserialize, Serialize};

/// The facts the new filters read, as slugs (`{"filters.checks": "no_tracking"}`,
/// `{"filters.languages": "es"}`): what `FilterFields` holds as masks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FactFilters {
    /// The chat's slug (`none`, `preset`, `moderated`, `open`).
    pub chat: String,
    pub checks: Vec<String>,
    pub languages: Vec<String>,
    pub accessibility: Vec<String>,
    pub subjects: Vec<String>,
}

impl FactFilters {
    pub fn of(facts: &AppFacts) -> FactFilters {
        let slugs = |list: Vec<&str>| list.into_iter().map(String::from).collect::<Vec<_>>();
        FactFilters {
            chat: facts.interaction.chat.slug().to_string(),
            checks: slugs(SafetyCheck::from_mask(facts.passed_checks()).into_iter().map(SafetyCheck::slug).collect()),
            languages: slugs(facts.store.languages.iter().map(|l| Language::slug(*l)).collect()),
            accessibility: slugs(facts.store.accessibility.iter().map(|a| a.slug()).collect()),
            subjects: slugs(facts.learning.subjects.iter().map(|s| Subject::slug(*s)).collect()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppDocument {
    #[serde(rename = "_id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ObjectId>,
    pub slug: String,
    pub name: String,
    pub name_key: String,
    pub developer: String,
    pub description: String,
    pub platforms: Vec<Platform>,
    pub categories: Vec<Category>,
    pub price_cents: i64,
    pub min_age: i32,
    pub age_band: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<i32>,
    pub learning_rating: i32,
    /// `App::learning_key`, what "best for learning" sorts by; written with every app
    /// (migration 6 filled it in for apps stored before).
    #[serde(default)]
    pub learning_key: i32,
    /// Absent only in documents stored before migration 5, which fills it in.
    #[serde(default)]
    pub facts: AppFacts,
    pub privacy: PrivacyFlags,
    /// Worked out from `facts` at every write (migration 5 for apps stored before it).
    #[serde(default)]
    pub filters: FactFilters,
    pub rating_avg: f64,
    pub rating_count: i64,
    /// `App::rating_score`, what "top rated" sorts by; written with every app (migration 4
    /// filled it in for apps stored before).
    #[serde(default)]
    pub rating_score: f64,
    pub released: DateTime,
    pub updated: DateTime,
}

fn to_bson_date(date: NaiveDate) -> DateTime {
    DateTime::from_millis(date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc().timestamp_millis())
}

fn from_bson_date(slug: &str, date: DateTime) -> Result<NaiveDate, StoreError> {
    chrono::DateTime::from_timestamp_millis(date.timestamp_millis())
        .map(|d| d.date_naive())
        .ok_or_else(|| StoreError::Backend(BackendError::other(format!("app {slug:?}: date out of range in store"))))
}

fn in_range<T: TryFrom<i64>>(slug: &str, field: &str, value: i64) -> Result<T, StoreError> {
    T::try_from(value).map_err(|_| {
        StoreError::Backend(BackendError::other(format!("app {slug:?}: {field} {value} out of range in store")))
    })
}

impl AppDocument {
    /// The document for an app (normalized and validated by the caller).
    pub fn from_app(app: &App) -> AppDocument {
        AppDocument {
            id: None,
            slug: app.slug.clone(),
            name: app.name.clone(),
            name_key: app.name.to_lowercase(),
            developer: app.developer.clone(),
            description: app.description.clone(),
            platforms: app.platforms.clone(),
            categories: app.categories.clone(),
            price_cents: app.price_cents as i64,
            min_age: app.min_age as i32,
            age_band: app.age_band().slug().to_string(),
            max_age: app.max_age.map(i32::from),
            learning_rating: app.learning_rating as i32,
            learning_key: i32::from(app.learning_key()),
            facts: app.facts.clone(),
            privacy: app.privacy(),
            filters: FactFilters::of(&app.facts),
            rating_avg: app.rating_avg as f64,
            rating_count: app.rating_count as i64,
            rating_score: app.rating_score(),
            released: to_bson_date(app.released),
            updated: to_bson_date(app.updated),
        }
    }

    pub fn to_document(&self) -> Result<Document, StoreError> {
        bson::to_document(self)
            .map_err(|e| StoreError::Backend(BackendError::other(format!("cannot encode app {:?}: {e}", self.slug))))
    }

    pub fn into_app(self) -> Result<App, StoreError> {
        let slug = self.slug.as_str();
        Ok(App {
            price_cents: in_range(slug, "price_cents", self.price_cents)?,
            min_age: in_range(slug, "min_age", self.min_age as i64)?,
            learning_rating: in_range(slug, "learning_rating", self.learning_rating as i64)?,
            max_age: self.max_age.map(|a| in_range(slug, "max_age", a as i64)).transpose()?,
            rating_count: in_range(slug, "rating_count", self.rating_count)?,
            rating_avg: self.rating_avg as f32,
            released: from_bson_date(slug, self.released)?,
            updated: from_bson_date(slug, self.updated)?,
            name: self.name,
            developer: self.developer,
            description: self.description,
            platforms: self.platforms,
            categories: self.categories,
            facts: self.facts,
            slug: self.slug,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mongodb::bson::Bson;

    #[test]
    fn an_app_round_trips_through_its_document() {
        for mut app in crate::catalog::seed::generate(50, 3) {
            app.normalize();
            let document = AppDocument::from_app(&app).to_document().unwrap();
            let back: AppDocument = bson::from_document(document).unwrap();
            assert_eq!(back.into_app().unwrap(), app);
        }
    }

    /// The adapter's filters name fields and values by hand: they must be what serde writes.
    #[test]
    fn stored_names_are_the_ones_the_filters_use() {
        let mut app = crate::catalog::seed::generate(1, 9).next().unwrap();
        app.platforms = Platform::ALL.to_vec();
        app.categories = Category::ALL.to_vec();
        let document = AppDocument::from_app(&app).to_document().unwrap();
        assert!(!document.contains_key("_id"), "MongoDB assigns _id on insert; a replacement keeps it");
        for field in [
            "slug",
            "name",
            "name_key",
            "description",
            "platforms",
            "categories",
            "price_cents",
            "min_age",
            "age_band",
            "learning_rating",
            "learning_key",
            "rating_avg",
            "rating_count",
            "rating_score",
            "released",
            "facts",
        ] {
            assert!(document.contains_key(field), "{field}");
        }
        let privacy = document.get_document("privacy").unwrap();
        for field in ["ads", "in_app_purchases", "collects_data"] {
            assert!(privacy.get_bool(field).is_ok(), "privacy.{field}");
        }
        let slugs = |key: &str| -> Vec<String> {
            document.get_array(key).unwrap().iter().map(|b| b.as_str().unwrap().to_string()).collect()
        };
        assert_eq!(slugs("platforms"), Platform::ALL.iter().map(|p| p.slug().to_string()).collect::<Vec<_>>());
        assert_eq!(slugs("categories"), Category::ALL.iter().map(|c| c.slug().to_string()).collect::<Vec<_>>());
        assert!(matches!(document.get("released"), Some(Bson::DateTime(_))));
    }
}
