//! Types both the server and the browser use.

mod app;
mod job;
mod listing;
mod query;

pub use app::{
    format_price, format_rating, icon_badge, is_valid_slug, AgeBand, App, AppFieldError, Category,
    ContentRatings, Platform, PrivacyFlags, MAX_AGE, MAX_RATING, MIN_AGE,
};
pub use job::{JobCounts, JobFilter, JobInfo, JobKind, JobList, JobProgress, JobState};
pub use listing::{summaries, AppDetail, AppPage, AppSummary, FacetCounts, HomeShelves};
pub use query::{
    CatalogQuery, Facet, PriceFilter, QueryError, SortOrder, DEFAULT_PER_PAGE, MAX_PAGE,
    MAX_PER_PAGE,
};

#[cfg(test)]
mod tests;
