//! `recompute_ratings`: sets each app's star average and count from its published reviews
//! (args `{"apps": [...]}`; no apps: every app that has a review). It reads the reviews when it
//! runs, so a late or repeated run writes what they say now. The write goes through the
//! catalog, which drops the cached pages showing the app and re-indexes it; the "top rated"
//! listings follow from the new averages.

use super::{JobContext, JobError};
use app::domain::RatingSummary;
use serde::{Deserialize, Serialize};

#[derive(Default, Serialize, Deserialize)]
pub struct Args {
    #[serde(default)]
    pub apps: Vec<String>,
}

pub async fn run(ctx: &JobContext) -> Result<String, JobError> {
    let args: Args = if ctx.args.trim().is_empty() { Args::default() } else { ctx.args()? };
    let reviews = &ctx.services.reviews;
    let failed = |e: &dyn std::fmt::Display| JobError::Failed(e.to_string());
    let ratings: Vec<(String, RatingSummary)> = if args.apps.is_empty() {
        reviews.ratings().await.map_err(|e| failed(&e))?
    } else {
        let mut ratings = Vec::with_capacity(args.apps.len());
        for slug in &args.apps {
            ratings.push((slug.clone(), reviews.rating(slug).await.map_err(|e| failed(&e))?));
        }
        ratings
    };
    let total = ratings.len() as u64;
    let mut changed = 0;
    for (done, chunk) in ratings.chunks(200).enumerate() {
        let slugs: Vec<String> = chunk.iter().map(|(slug, _)| slug.clone()).collect();
        // An app deleted since it was reviewed is skipped by `get_many`.
        let mut apps = ctx.services.catalog.get_many(&slugs).await.map_err(|e| failed(&e))?;
        apps.retain_mut(|app| {
            let Some((_, rating)) = chunk.iter().find(|(slug, _)| *slug == app.slug) else { return false };
            let stale = app.rating_avg != rating.average || app.rating_count != rating.count;
            app.rating_avg = rating.average;
            app.rating_count = rating.count;
            stale
        });
        if !apps.is_empty() {
            ctx.services.catalog.upsert_many(&apps).await.map_err(|e| failed(&e))?;
            changed += apps.len();
        }
        let done = ((done + 1) * 200).min(ratings.len()) as u64;
        ctx.progress(done, total, format!("{done} of {total} apps")).await?;
    }
    Ok(serde_json::json!({ "apps": total, "changed": changed }).to_string())
}
