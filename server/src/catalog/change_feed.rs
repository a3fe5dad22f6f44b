//! The port through which every process sharing a store learns of the catalog writes the others
//! made, so each browse index stays current (`BrowseIndex::build_following`).

use async_trait::async_trait;

/// Where a node learns of catalog writes made by other processes (`redis::change_feed`).
/// Positions count write batches; a writer records its slugs after the store has them and
/// before cached pages are invalidated, so a page rendered after an invalidation sees them.
#[async_trait]
pub trait ChangeFeed: Send + Sync + 'static {
    /// Records a write of these slugs; returns its position.
    async fn record(&self, slugs: &[String]) -> Result<u64, FeedError>;
    /// The position of the newest write.
    async fn position(&self) -> Result<u64, FeedError>;
    /// What was written after `position`.
    async fn since(&self, position: u64) -> Result<Changes, FeedError>;
}

pub enum Changes {
    /// The slugs written since, up to this position.
    Slugs(u64, Vec<String>),
    /// The feed cannot tell (too far behind, or reset): read everything again.
    Rebuild(u64),
}

#[derive(Debug, thiserror::Error)]
#[error("catalog change feed unavailable: {0}")]
pub struct FeedError(pub String);
