//! Parents' reviews: the list on an app's page, writing, editing and deleting one's own,
//! "helpful" votes, and moderation. Every change drops the cached pages of the app and queues
//! `recompute_ratings` for it, which sets the app's average from the published reviews: the
//! server wraps the `Reviews` port so (`server/src/catalog/review_effects.rs`).

use super::ApiError;
use crate::domain::{Review, ReviewForm, ReviewPage, ReviewStatus};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Reviews per page of the moderation list.
pub const MODERATION_PER_PAGE: u32 = 20;

/// One page of an app's published reviews, newest first.
#[server(input = leptos::server_fn::codec::Json)]
pub async fn app_reviews(slug: String, page: u32) -> Result<ReviewPage, ApiError> {
    use crate::domain::{is_valid_slug, MAX_PAGE, REVIEWS_PER_PAGE};
    if !is_valid_slug(&slug) {
        return Err(ApiError::NotFound(format!("app {slug:?}")));
    }
    let page = page.clamp(1, MAX_PAGE);
    let state = super::state()?;
    super::declare_cache_tags([crate::ports::cache_tags::app(&slug)]);
    let offset = u64::from(page - 1) * u64::from(REVIEWS_PER_PAGE);
    let (reviews, total) = state.reviews.app_reviews(&slug, offset, REVIEWS_PER_PAGE).await?;
    Ok(ReviewPage { reviews: reviews.into_iter().map(Into::into).collect(), total, page, per_page: REVIEWS_PER_PAGE })
}

/// The signed-in parent's own review of the app, in whatever status; None for a visitor or
/// when they have not written one.
#[server]
pub async fn my_review(slug: String) -> Result<Option<Review>, ApiError> {
    let Some(user) = super::auth::signed_in_user().await? else { return Ok(None) };
    Ok(super::state()?.reviews.user_review(&user.id, &slug).await?)
}

/// Writes (or rewrites) the signed-in parent's review of an app. A review with a link or a
/// flagged word waits for a moderator; so does an edit of a review a moderator hid.
#[server(endpoint = "save_review")]
pub async fn save_review(slug: String, form: ReviewForm) -> Result<Review, ApiError> {
    use crate::domain::{moderation_reason, ReviewStatus};
    use crate::ports::ReviewDraft;
    let user = super::auth::require_user().await?;
    let state = super::state()?;
    let values = vec![("stars".to_string(), form.stars.clone()), ("text".to_string(), form.text.clone())];
    let review = form.validate().map_err(|errors| ApiError::InvalidForm { errors, values: values.clone() })?;
    let key = format!("reviews:account:{}", user.id);
    super::auth::check_throttle(&state, std::slice::from_ref(&key)).await?;
    if state.catalog.get(&slug).await?.is_none() {
        return Err(ApiError::NotFound(format!("app {slug:?}")));
    }
    let before = state.reviews.user_review(&user.id, &slug).await?.map(|r| r.status);
    let status = ReviewStatus::of_written(&review.text, before);
    let reason = match status {
        ReviewStatus::Pending => {
            Some(moderation_reason(&review.text).unwrap_or_else(|| "edited after a moderator hid it".into()))
        }
        _ => None,
    };
    let draft = ReviewDraft {
        app_slug: slug.clone(),
        user_id: user.id.clone(),
        author: user.display_name.clone(),
        review,
        status,
        reason,
    };
    let saved = state.reviews.put_review(&draft).await?;
    super::auth::count_failure(&state, &key, &ssr::REVIEW_WRITES).await;
    Ok(saved)
}

/// Deletes one of the signed-in parent's reviews; someone else's is "not found".
#[server(endpoint = "delete_review")]
pub async fn delete_review(id: String) -> Result<(), ApiError> {
    let user = super::auth::require_user().await?;
    let state = super::state()?;
    state.reviews.delete_review(&user.id, &id).await?.ok_or_else(|| ApiError::NotFound("review".into()))?;
    Ok(())
}

/// Counts the signed-in parent's "helpful" vote for a published review (once per parent);
/// answers the review's count.
#[server(endpoint = "vote_helpful")]
pub async fn vote_helpful(id: String) -> Result<u32, ApiError> {
    let user = super::auth::require_user().await?;
    let state = super::state()?;
    let not_found = || ApiError::NotFound("review".into());
    let review =
        state.reviews.review(&id).await?.filter(|r| r.status == ReviewStatus::Published).ok_or_else(not_found)?;
    if review.user_id == user.id {
        return Err(ApiError::BadRequest("you cannot vote for your own review".into()));
    }
    let count = state.reviews.vote_helpful(&user.id, &id).await?.ok_or_else(not_found)?;
    if let Err(e) = state.page_cache.invalidate(&[crate::ports::cache_tags::app(&review.app_slug)]).await {
        tracing::warn!("cached pages of {} kept an old vote count: {e}", review.app_slug);
    }
    Ok(count)
}

/// A page of reviews in one moderation status, for `/admin/reviews`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModerationList {
    pub status: ReviewStatus,
    pub reviews: Vec<Review>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

#[server(input = leptos::server_fn::codec::Json)]
pub async fn review_queue(status: ReviewStatus, page: u32) -> Result<ModerationList, ApiError> {
    super::auth::require_admin().await?;
    let page = page.clamp(1, crate::domain::MAX_PAGE);
    let offset = u64::from(page - 1) * u64::from(MODERATION_PER_PAGE);
    let (reviews, total) = super::state()?.reviews.by_status(status, offset, MODERATION_PER_PAGE).await?;
    Ok(ModerationList { status, reviews, total, page, per_page: MODERATION_PER_PAGE })
}

/// A moderator's decision: `decision` is `approve` or `hide` (with a `reason` the author sees).
#[server(endpoint = "moderate_review")]
pub async fn moderate_review(id: String, decision: String, reason: String) -> Result<Review, ApiError> {
    super::auth::require_admin().await?;
    let state = super::state()?;
    let decision = crate::domain::Moderation::from_form(&decision, &reason).map_err(|error| ApiError::InvalidForm {
        errors: vec![error],
        values: vec![("reason".into(), reason.clone())],
    })?;
    let review = state.reviews.moderate(&id, &decision).await?.ok_or_else(|| ApiError::NotFound("review".into()))?;
    tracing::info!(review = %review.id, app = %review.app_slug, status = review.status.slug(), "review moderated");
    Ok(review)
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::ports::ThrottlePolicy;
    use std::time::Duration;

    /// Reviews written (or rewritten) per account: plenty for a parent, little for a spammer.
    pub const REVIEW_WRITES: ThrottlePolicy = ThrottlePolicy {
        free: 30,
        window: Duration::from_secs(3600),
        base: Duration::from_secs(60),
        max: Duration::from_secs(3600),
    };
}
