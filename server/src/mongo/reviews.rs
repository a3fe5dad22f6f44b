//! Reviews in MongoDB: `reviews`, one document per (user, app), unique on the pair, and
//! `review_votes`, one per (review, voter). Votes are counted when reviews are read, so no
//! counter can drift from the votes there are.
//!
//! Deletions remove the votes before the reviews, so one interrupted part-way can be repeated.

use super::accounts::USERS;
use super::{db_err, is_duplicate_key, timed, READ_TIMEOUT, WRITE_TIMEOUT};
use crate::storage::new_id;
use app::domain::{Moderation, RatingSummary, Review, ReviewStatus};
use app::ports::{BackendError, ReviewDraft, ReviewError, Reviews, StoreError};
use async_trait::async_trait;
use futures::TryStreamExt;
use mongodb::bson::{doc, Bson, Document};
use mongodb::options::IndexOptions;
use mongodb::{Collection, Database, IndexModel};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub const REVIEWS: &str = "reviews";
pub const REVIEW_VOTES: &str = "review_votes";

#[derive(Debug, Serialize, Deserialize)]
struct ReviewDocument {
    #[serde(rename = "_id")]
    id: String,
    app_slug: String,
    user_id: String,
    author: String,
    stars: i32,
    text: String,
    status: String,
    reason: Option<String>,
    created_at: i64,
    updated_at: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct VoteDocument {
    review_id: String,
    user_id: String,
}

impl ReviewDocument {
    fn into_review(self, helpful: u32) -> Result<Review, ReviewError> {
        let status = ReviewStatus::from_slug(&self.status).ok_or_else(|| {
            ReviewError::Backend(BackendError::other(format!("unknown review status {:?} in store", self.status)))
        })?;
        Ok(Review {
            id: self.id,
            app_slug: self.app_slug,
            user_id: self.user_id,
            author: self.author,
            stars: self.stars.clamp(1, 5) as u8,
            text: self.text,
            status,
            reason: self.reason,
            helpful,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// One review per (user, app); an app's published reviews and the moderation queue, newest
/// first; votes unique per (review, voter) and found by voter.
pub(crate) async fn create_indexes(db: &Database) -> Result<(), StoreError> {
    let unique = || IndexOptions::builder().unique(true).build();
    let reviews = db.collection::<ReviewDocument>(REVIEWS);
    let models = vec![
        IndexModel::builder().keys(doc! { "user_id": 1, "app_slug": 1 }).options(unique()).build(),
        IndexModel::builder().keys(doc! { "app_slug": 1, "status": 1, "created_at": -1 }).build(),
        IndexModel::builder().keys(doc! { "status": 1, "created_at": -1 }).build(),
    ];
    timed(WRITE_TIMEOUT, reviews.create_indexes(models)).await?;
    let votes = db.collection::<VoteDocument>(REVIEW_VOTES);
    let models = vec![
        IndexModel::builder().keys(doc! { "review_id": 1, "user_id": 1 }).options(unique()).build(),
        IndexModel::builder().keys(doc! { "user_id": 1 }).build(),
    ];
    timed(WRITE_TIMEOUT, votes.create_indexes(models)).await.map(|_| ()).map_err(Into::into)
}

fn as_number(value: Option<&Bson>) -> i64 {
    match value {
        Some(Bson::Int32(n)) => i64::from(*n),
        Some(Bson::Int64(n)) => *n,
        Some(Bson::Double(n)) => *n as i64,
        _ => 0,
    }
}

#[derive(Clone)]
pub struct MongoReviews {
    reviews: Collection<ReviewDocument>,
    votes: Collection<VoteDocument>,
    users: Collection<Document>,
}

impl MongoReviews {
    pub fn new(db: &Database) -> MongoReviews {
        MongoReviews {
            reviews: db.collection(REVIEWS),
            votes: db.collection(REVIEW_VOTES),
            users: db.collection(USERS),
        }
    }

    async fn user_exists(&self, id: &str) -> Result<bool, ReviewError> {
        Ok(timed(READ_TIMEOUT, self.users.count_documents(doc! { "_id": id }).limit(1)).await? > 0)
    }

    /// Votes per review, for the given reviews.
    async fn votes_of(&self, ids: Vec<String>) -> Result<HashMap<String, u32>, ReviewError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let pipeline = vec![
            doc! { "$match": { "review_id": { "$in": ids } } },
            doc! { "$group": { "_id": "$review_id", "n": { "$sum": 1 } } },
        ];
        let counted: Vec<Document> =
            timed(READ_TIMEOUT, async { self.votes.aggregate(pipeline).await?.try_collect().await }).await?;
        Ok(counted
            .into_iter()
            .filter_map(|d| Some((d.get_str("_id").ok()?.to_string(), as_number(d.get("n")) as u32)))
            .collect())
    }

    async fn with_votes(&self, documents: Vec<ReviewDocument>) -> Result<Vec<Review>, ReviewError> {
        let votes = self.votes_of(documents.iter().map(|d| d.id.clone()).collect()).await?;
        documents
            .into_iter()
            .map(|d| {
                let helpful = votes.get(&d.id).copied().unwrap_or(0);
                d.into_review(helpful)
            })
            .collect()
    }

    async fn find_one(&self, filter: Document) -> Result<Option<Review>, ReviewError> {
        let found = timed(READ_TIMEOUT, self.reviews.find_one(filter)).await?;
        Ok(self.with_votes(found.into_iter().collect()).await?.pop())
    }

    async fn page(&self, filter: Document, offset: u64, limit: u32) -> Result<(Vec<Review>, u64), ReviewError> {
        let find = self
            .reviews
            .find(filter.clone())
            .sort(doc! { "created_at": -1, "_id": -1 })
            .skip(offset)
            .limit(i64::from(limit));
        let (documents, total) = tokio::try_join!(
            timed(READ_TIMEOUT, async { find.await?.try_collect::<Vec<ReviewDocument>>().await }),
            timed(READ_TIMEOUT, self.reviews.count_documents(filter)),
        )?;
        Ok((self.with_votes(documents).await?, total))
    }

    /// Sum of stars and count of the published reviews matching `filter`, per app.
    async fn sums(&self, filter: Document) -> Result<Vec<(String, RatingSummary)>, ReviewError> {
        let published = doc! { "$eq": ["$status", ReviewStatus::Published.slug()] };
        let pipeline = vec![
            doc! { "$match": filter },
            doc! { "$group": {
                "_id": "$app_slug",
                "sum": { "$sum": { "$cond": [published.clone(), "$stars", 0] } },
                "count": { "$sum": { "$cond": [published, 1, 0] } },
            } },
            doc! { "$sort": { "_id": 1 } },
        ];
        let grouped: Vec<Document> =
            timed(READ_TIMEOUT, async { self.reviews.aggregate(pipeline).await?.try_collect().await }).await?;
        Ok(grouped
            .into_iter()
            .filter_map(|d| {
                let slug = d.get_str("_id").ok()?.to_string();
                Some((
                    slug,
                    RatingSummary::from_sum(
                        as_number(d.get("sum")).max(0) as u64,
                        as_number(d.get("count")).max(0) as u32,
                    ),
                ))
            })
            .collect())
    }
}

#[async_trait]
impl Reviews for MongoReviews {
    fn backend(&self) -> &'static str {
        "mongodb"
    }

    async fn put_review(&self, draft: &ReviewDraft) -> Result<Review, ReviewError> {
        if !self.user_exists(&draft.user_id).await? {
            return Err(ReviewError::NoSuchAuthor(draft.user_id.clone()));
        }
        let now = chrono::Utc::now().timestamp_millis();
        let key = doc! { "user_id": &draft.user_id, "app_slug": &draft.app_slug };
        let changes = doc! { "$set": {
            "author": &draft.author,
            "stars": i32::from(draft.review.stars),
            "text": &draft.review.text,
            "status": draft.status.slug(),
            "reason": draft.reason.clone(),
            "updated_at": now,
        } };
        // Twice at most: a first write of the pair can lose the race to a concurrent one, and
        // then the update finds it.
        for _ in 0..2 {
            let updated = timed(WRITE_TIMEOUT, self.reviews.update_one(key.clone(), changes.clone())).await?;
            if updated.matched_count > 0 {
                break;
            }
            let document = ReviewDocument {
                id: new_id(),
                app_slug: draft.app_slug.clone(),
                user_id: draft.user_id.clone(),
                author: draft.author.clone(),
                stars: i32::from(draft.review.stars),
                text: draft.review.text.clone(),
                status: draft.status.slug().into(),
                reason: draft.reason.clone(),
                created_at: now,
                updated_at: now,
            };
            match tokio::time::timeout(WRITE_TIMEOUT, self.reviews.insert_one(&document)).await {
                Ok(Ok(_)) => break,
                Ok(Err(e)) if is_duplicate_key(&e) => continue,
                Ok(Err(e)) => return Err(db_err(e).into()),
                Err(_) => {
                    return Err(ReviewError::Unavailable(BackendError::unavailable("MongoDB did not answer in time")))
                }
            }
        }
        self.find_one(key)
            .await?
            .ok_or_else(|| ReviewError::Backend(BackendError::other("a review vanished as it was written")))
    }

    async fn review(&self, id: &str) -> Result<Option<Review>, ReviewError> {
        self.find_one(doc! { "_id": id }).await
    }

    async fn user_review(&self, user_id: &str, app_slug: &str) -> Result<Option<Review>, ReviewError> {
        self.find_one(doc! { "user_id": user_id, "app_slug": app_slug }).await
    }

    async fn delete_review(&self, user_id: &str, id: &str) -> Result<Option<Review>, ReviewError> {
        let Some(review) = self.find_one(doc! { "_id": id, "user_id": user_id }).await? else {
            return Ok(None);
        };
        timed(WRITE_TIMEOUT, self.votes.delete_many(doc! { "review_id": id })).await?;
        let done = timed(WRITE_TIMEOUT, self.reviews.delete_one(doc! { "_id": id, "user_id": user_id })).await?;
        Ok((done.deleted_count > 0).then_some(review))
    }

    async fn app_reviews(&self, app_slug: &str, offset: u64, limit: u32) -> Result<(Vec<Review>, u64), ReviewError> {
        self.page(doc! { "app_slug": app_slug, "status": ReviewStatus::Published.slug() }, offset, limit).await
    }

    async fn vote_helpful(&self, user_id: &str, id: &str) -> Result<Option<u32>, ReviewError> {
        let published = doc! { "_id": id, "status": ReviewStatus::Published.slug() };
        if timed(READ_TIMEOUT, self.reviews.count_documents(published.clone()).limit(1)).await? == 0 {
            return Ok(None);
        }
        if self.user_exists(user_id).await? {
            let vote = VoteDocument { review_id: id.into(), user_id: user_id.into() };
            match tokio::time::timeout(WRITE_TIMEOUT, self.votes.insert_one(&vote)).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) if is_duplicate_key(&e) => {}
                Ok(Err(e)) => return Err(db_err(e).into()),
                Err(_) => {
                    return Err(ReviewError::Unavailable(BackendError::unavailable("MongoDB did not answer in time")))
                }
            }
        }
        Ok(self.find_one(published).await?.map(|r| r.helpful))
    }

    async fn rating(&self, app_slug: &str) -> Result<RatingSummary, ReviewError> {
        let sums = self.sums(doc! { "app_slug": app_slug, "status": ReviewStatus::Published.slug() }).await?;
        Ok(sums.into_iter().next().map(|(_, summary)| summary).unwrap_or_default())
    }

    async fn ratings(&self) -> Result<Vec<(String, RatingSummary)>, ReviewError> {
        self.sums(doc! {}).await
    }

    async fn by_status(
        &self,
        status: ReviewStatus,
        offset: u64,
        limit: u32,
    ) -> Result<(Vec<Review>, u64), ReviewError> {
        self.page(doc! { "status": status.slug() }, offset, limit).await
    }

    async fn moderate(&self, id: &str, decision: &Moderation) -> Result<Option<Review>, ReviewError> {
        let update = doc! { "$set": { "status": decision.status().slug(), "reason": decision.reason() } };
        timed(WRITE_TIMEOUT, self.reviews.update_one(doc! { "_id": id }, update)).await?;
        self.review(id).await
    }

    async fn delete_user_reviews(&self, user_id: &str) -> Result<Vec<String>, ReviewError> {
        let own: Vec<ReviewDocument> =
            timed(READ_TIMEOUT, async { self.reviews.find(doc! { "user_id": user_id }).await?.try_collect().await })
                .await?;
        let voted: Vec<VoteDocument> =
            timed(READ_TIMEOUT, async { self.votes.find(doc! { "user_id": user_id }).await?.try_collect().await })
                .await?;
        let voted_ids: Vec<String> = voted.into_iter().map(|v| v.review_id).collect();
        let voted_on: Vec<ReviewDocument> = if voted_ids.is_empty() {
            Vec::new()
        } else {
            timed(READ_TIMEOUT, async {
                self.reviews.find(doc! { "_id": { "$in": voted_ids } }).await?.try_collect().await
            })
            .await?
        };
        let own_ids: Vec<String> = own.iter().map(|r| r.id.clone()).collect();
        if !own_ids.is_empty() {
            timed(WRITE_TIMEOUT, self.votes.delete_many(doc! { "review_id": { "$in": own_ids } })).await?;
        }
        timed(WRITE_TIMEOUT, self.votes.delete_many(doc! { "user_id": user_id })).await?;
        timed(WRITE_TIMEOUT, self.reviews.delete_many(doc! { "user_id": user_id })).await?;
        let mut apps: Vec<String> = own.into_iter().chain(voted_on).map(|r| r.app_slug).collect();
        apps.sort();
        apps.dedup();
        Ok(apps)
    }
}
