//! `index_app`: brings the search index in line with the catalog for some apps, after a write
//! (args `{"slugs": [...]}`). It reads the catalog when it runs, so a late or repeated run is
//! harmless: the index gets what the catalog holds now, and a deleted app leaves it.

use super::{JobContext, JobError, JobServices};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub struct Args {
    pub slugs: Vec<String>,
}

pub async fn run(ctx: &JobContext) -> Result<String, JobError> {
    let args: Args = ctx.args()?;
    let (indexed, removed) = sync(&ctx.services, &args.slugs).await?;
    Ok(serde_json::json!({ "indexed": indexed, "removed": removed }).to_string())
}

/// Indexes the apps among `slugs` the catalog has, removes the others; then search pages are
/// stale. Returns (indexed, removed).
pub async fn sync(services: &JobServices, slugs: &[String]) -> Result<(usize, usize), JobError> {
    let search = &services.search;
    let failed = |e: &dyn std::fmt::Display| JobError::Failed(e.to_string());
    let mut indexed = 0;
    let mut removed = 0;
    for chunk in slugs.chunks(1_000) {
        let apps = services.catalog.get_many(chunk).await.map_err(|e| failed(&e))?;
        let gone: Vec<String> = chunk.iter().filter(|s| !apps.iter().any(|a| &a.slug == *s)).cloned().collect();
        search.upsert(&apps).await.map_err(|e| failed(&e))?;
        search.delete(&gone).await.map_err(|e| failed(&e))?;
        indexed += apps.len();
        removed += gone.len();
    }
    services.search_changed().await;
    Ok((indexed, removed))
}
