//! A `Reviews` in front of another that keeps the app's pages and rating in step with each
//! review write, the way the catalog's wrappers do for app writes: the app's cached pages go
//! (its review list is on them) and `recompute_ratings` is queued for it, which sets the app's
//! average from its published reviews. Neither failing undoes the write: the page cache expires
//! on its own, and the next change (or a full `recompute_ratings`) catches up.

use app::domain::{JobKind, Moderation, RatingSummary, Review, ReviewStatus};
use app::ports::{cache_tags, JobQueue, PageCache, ReviewDraft, ReviewError, Reviews};
use async_trait::async_trait;
use std::sync::Arc;

const RECOMPUTE_ATTEMPTS: u32 = 5;

pub struct RatingSyncedReviews {
    inner: Arc<dyn Reviews>,
    page_cache: Arc<dyn PageCache>,
    jobs: Arc<dyn JobQueue>,
}

impl RatingSyncedReviews {
    pub fn new(inner: Arc<dyn Reviews>, page_cache: Arc<dyn PageCache>, jobs: Arc<dyn JobQueue>) -> Self {
        RatingSyncedReviews { inner, page_cache, jobs }
    }

    async fn changed(&self, slug: &str) {
        if let Err(e) = self.page_cache.invalidate(&[cache_tags::app(slug)]).await {
            tracing::warn!("cached pages of {slug} keep old reviews until they expire: {}", app::ports::Causes(&e));
        }
        let args = serde_json::json!({ "apps": [slug] }).to_string();
        if let Err(e) = self.jobs.enqueue(JobKind::RecomputeRatings, &args, RECOMPUTE_ATTEMPTS).await {
            tracing::warn!("rating of {slug} not recomputed ({e}); run recompute_ratings from /admin/jobs");
        }
    }
}

#[async_trait]
impl Reviews for RatingSyncedReviews {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    async fn put_review(&self, draft: &ReviewDraft) -> Result<Review, ReviewError> {
        let saved = self.inner.put_review(draft).await?;
        self.changed(&saved.app_slug).await;
        Ok(saved)
    }

    async fn put_reviews(&self, drafts: &[ReviewDraft]) -> Result<usize, ReviewError> {
        let written = self.inner.put_reviews(drafts).await?;
        let slugs: std::collections::BTreeSet<&str> = drafts.iter().map(|d| d.app_slug.as_str()).collect();
        for slug in slugs {
            self.changed(slug).await;
        }
        Ok(written)
    }

    async fn review(&self, id: &str) -> Result<Option<Review>, ReviewError> {
        self.inner.review(id).await
    }

    async fn user_review(&self, user_id: &str, app_slug: &str) -> Result<Option<Review>, ReviewError> {
        self.inner.user_review(user_id, app_slug).await
    }

    async fn delete_review(&self, user_id: &str, id: &str) -> Result<Option<Review>, ReviewError> {
        let deleted = self.inner.delete_review(user_id, id).await?;
        if let Some(review) = &deleted {
            self.changed(&review.app_slug).await;
        }
        Ok(deleted)
    }

    async fn app_reviews(&self, app_slug: &str, offset: u64, limit: u32) -> Result<(Vec<Review>, u64), ReviewError> {
        self.inner.app_reviews(app_slug, offset, limit).await
    }

    async fn vote_helpful(&self, user_id: &str, id: &str) -> Result<Option<u32>, ReviewError> {
        self.inner.vote_helpful(user_id, id).await
    }

    async fn rating(&self, app_slug: &str) -> Result<RatingSummary, ReviewError> {
        self.inner.rating(app_slug).await
    }

    async fn ratings(&self) -> Result<Vec<(String, RatingSummary)>, ReviewError> {
        self.inner.ratings().await
    }

    async fn by_status(
        &self,
        status: ReviewStatus,
        offset: u64,
        limit: u32,
    ) -> Result<(Vec<Review>, u64), ReviewError> {
        self.inner.by_status(status, offset, limit).await
    }

    async fn moderate(&self, id: &str, decision: &Moderation) -> Result<Option<Review>, ReviewError> {
        let moderated = self.inner.moderate(id, decision).await?;
        if let Some(review) = &moderated {
            self.changed(&review.app_slug).await;
        }
        Ok(moderated)
    }

    async fn delete_user_reviews(&self, user_id: &str) -> Result<Vec<String>, ReviewError> {
        let slugs = self.inner.delete_user_reviews(user_id).await?;
        for slug in &slugs {
            self.changed(slug).await;
        }
        Ok(slugs)
    }
}
