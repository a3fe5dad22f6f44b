//! The port of parents' reviews, kept in the accounts' database (a review belongs to an
//! account and goes with it).

use super::backend_error::{from_backend_error, BackendError};
use crate::domain::{Moderation, NewReview, RatingSummary, Review, ReviewStatus};
use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The review's author has no account (it was deleted as the review was written).
    #[error("no account {0:?} to write a review")]
    NoSuchAuthor(String),
    #[error("review store unavailable: {0}")]
    Unavailable(#[source] BackendError),
    #[error("review store error: {0}")]
    Backend(#[source] BackendError),
}

from_backend_error!(ReviewError);

/// What writing a review stores: the validated form, its author and its moderation status.
#[derive(Clone, Debug)]
pub struct ReviewDraft {
    pub app_slug: String,
    pub user_id: String,
    pub author: String,
    pub review: NewReview,
    pub status: ReviewStatus,
    /// Why it waits for a moderator, if it does.
    pub reason: Option<String>,
}

/// Reviews, one per (user, app), with "helpful" votes, one per (user, review). Ids are made
/// by the store (ULIDs). `helpful` counts the votes there are when a review is read.
#[async_trait]
pub trait Reviews: Send + Sync + 'static {
    fn backend(&self) -> &'static str;

    /// Writes the user's review of the app: a new one, or theirs replaced (same id, creation
    /// time and votes; a new `updated_at`).
    async fn put_review(&self, draft: &ReviewDraft) -> Result<Review, ReviewError>;

    /// Writes many reviews as `put_review` writes each (the demo seed); how many. A store may
    /// take them in fewer round trips (SQLite: one transaction, all or none).
    async fn put_reviews(&self, drafts: &[ReviewDraft]) -> Result<usize, ReviewError> {
        for draft in drafts {
            self.put_review(draft).await?;
        }
        Ok(drafts.len())
    }

    async fn review(&self, id: &str) -> Result<Option<Review>, ReviewError>;

    /// The user's own review of the app, in whatever status.
    async fn user_review(&self, user_id: &str, app_slug: &str) -> Result<Option<Review>, ReviewError>;

    /// Deletes the review if `user_id` wrote it (with its votes); None when there is no such
    /// review of theirs (someone else's included).
    async fn delete_review(&self, user_id: &str, id: &str) -> Result<Option<Review>, ReviewError>;

    /// The app's published reviews, newest first (then by id), `limit` from `offset`, and
    /// how many there are.
    async fn app_reviews(&self, app_slug: &str, offset: u64, limit: u32) -> Result<(Vec<Review>, u64), ReviewError>;

    /// Counts the user's vote for a published review (again: no change); the review's
    /// helpful count after it, None when there is no such published review.
    async fn vote_helpful(&self, user_id: &str, id: &str) -> Result<Option<u32>, ReviewError>;

    /// Average and count of the app's published reviews.
    async fn rating(&self, app_slug: &str) -> Result<RatingSummary, ReviewError>;

    /// The same for every app that has a review in any status (a count of 0 when none is
    /// published), by slug.
    async fn ratings(&self) -> Result<Vec<(String, RatingSummary)>, ReviewError>;

    /// Reviews in `status`, newest first, `limit` from `offset`, and how many there are.
    async fn by_status(&self, status: ReviewStatus, offset: u64, limit: u32)
        -> Result<(Vec<Review>, u64), ReviewError>;

    /// Applies a moderator's decision; the review after it, None when there is none.
    async fn moderate(&self, id: &str, decision: &Moderation) -> Result<Option<Review>, ReviewError>;

    /// Deletes every review and vote of the user; the apps whose reviews changed.
    async fn delete_user_reviews(&self, user_id: &str) -> Result<Vec<String>, ReviewError>;
}
