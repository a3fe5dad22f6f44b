//! Types both the server and the browser use.

mod account;
mod alternatives;
mod app;
mod app_form;
mod compare;
mod facts;
mod job;
mod listing;
mod mail;
mod media;
mod named;
mod query;
mod review;
mod search;
mod search_words;
mod trending;

pub use account::{
    check_password, display_name, normalize_email, Kid, KidForm, NewAccount, NewKid, PasswordForm, Role, SignUpForm,
    User, MAX_KIDS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS,
};
pub use alternatives::{
    alternative_queries, best_for_learning_first, has_any_risk, improvements, is_alternative, is_safer, Risk,
    ALTERNATIVES_COUNT, WORST_LEVEL,
};
pub use app::{
    format_price, format_rating, icon_badge, is_valid_slug, learning_key, rating_score, AgeBand, App, AppFieldError,
    Category, Platform, PrivacyFlags, MAX_AGE, MAX_RATING, MIN_AGE, RATING_PRIOR_MEAN, RATING_PRIOR_WEIGHT,
};
pub use app_form::{AppForm, FieldError, INTERACTION_FLAGS};
pub use compare::{compare_href, compare_rows, parse_compare_list, CompareRow, Comparison, COMPARE_MAX, COMPARE_MIN};
pub use facts::{
    fact_changes, fact_list, format_cents, is_app_store_id, is_asin, is_play_package, is_web_url, money_line,
    Accessibility, Ads, AppFacts, Chat, ChatLimit, ContentKind, ContentRatings, DataType, DataUse, EditorialReview,
    Fact, FactChange, FactGroup, FactSource, FactSources, Interaction, Language, Learning, LegacyFlags, LinkGate,
    Money, PriceModel, PriceRange, PrivacyLabel, Provenance, SafetyCheck, Score, SourceConflict, StoreFacts, Subject,
    CHANGES_SHOWN, MAX_CONFLICTS, MAX_LEARN_CHARS, MAX_NOTE_CHARS,
};
pub use job::{JobCounts, JobFilter, JobInfo, JobKind, JobList, JobProgress, JobState};
pub use listing::{page_count, summaries, Alternative, AppDetail, AppPage, AppSummary, FacetCounts, HomeShelves};
pub use mail::{hide_link_tokens, Mail, MailState, NewMail, MAIL_MAX_ATTEMPTS};
pub use media::{parse_media_id, AppImages, Image, MediaFormat, MAX_SCREENSHOTS, MEDIA_DIGEST_HEX};
pub use query::{
    CatalogQuery, Facet, FilterFields, PriceFilter, QueryError, SortOrder, DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE,
};
pub use review::{
    moderation_reason, Moderation, NewReview, PublicReview, RatingSummary, Review, ReviewForm, ReviewPage,
    ReviewStatus, MAX_HIDE_REASON_CHARS, MAX_REVIEW_CHARS, MIN_REVIEW_CHARS, REVIEWS_PER_PAGE,
};
pub use search::{
    fold, highlight, snippet, synonyms_of, typo_budget, word_matches, words, Marked, SearchHit, SearchPage,
    SearchQuery, SearchSort, Suggestion, MAX_QUERY_CHARS, MAX_QUERY_WORDS, SUGGESTION_COUNT, SYNONYM_GROUPS,
};
pub use trending::{rising, TrendingLists, TRENDING_MIN_VIEWS, TRENDING_PER_BAND, TRENDING_WINDOW_DAYS};

#[cfg(test)]
mod tests;
