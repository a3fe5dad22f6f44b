//! Every job kind and its handler: the one place a new kind is registered.

use super::{import_catalog, index_app, noop, recompute_ratings, refresh_trending, reindex_search, send_digest};
use super::{warm_cache, JobContext, JobError};
use app::domain::JobKind;

/// Runs the handler for `kind`; the result is JSON text.
pub(super) async fn run(kind: JobKind, ctx: &JobContext) -> Result<String, JobError> {
    match kind {
        JobKind::Noop => noop::run(ctx).await,
        JobKind::ImportCatalog => import_catalog::run(ctx).await,
        JobKind::WarmCache => warm_cache::run(ctx).await,
        JobKind::IndexApp => index_app::run(ctx).await,
        JobKind::ReindexSearch => reindex_search::run(ctx).await,
        JobKind::RefreshTrending => refresh_trending::run(ctx).await,
        JobKind::RecomputeRatings => recompute_ratings::run(ctx).await,
        JobKind::SendDigest => send_digest::run(ctx).await,
    }
}
