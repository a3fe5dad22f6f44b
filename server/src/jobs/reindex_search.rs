//! `reindex_search`: rebuilds the whole search index from the catalog and swaps it in (see
//! `SearchIndex::rebuild`), then replays the `index_app` jobs enqueued since it started: a
//! write the catalog scan had already passed must not be lost with the old index.

use super::{index_app, JobContext, JobError};
use app::domain::{JobFilter, JobKind};
use std::collections::BTreeSet;

/// Clocks of the nodes enqueuing `index_app` may differ by this much.
const CLOCK_SLACK_MS: i64 = 5_000;
const PAGE: u32 = 200;

pub async fn run(ctx: &JobContext) -> Result<String, JobError> {
    let search = &ctx.services.search;
    let started = chrono::Utc::now().timestamp_millis();
    let (tx, mut rx) = tokio::sync::watch::channel((0u64, 0u64));
    let report = move |done: u64, total: u64| {
        let _ = tx.send((done, total));
    };
    let rebuild = search.rebuild(&*ctx.services.catalog, &report);
    tokio::pin!(rebuild);
    let indexed = loop {
        tokio::select! {
            result = &mut rebuild => break result.map_err(|e| JobError::Failed(e.to_string()))?,
            changed = rx.changed() => {
                if changed.is_ok() {
                    let (done, total) = *rx.borrow_and_update();
                    // A rebuild is not cut short (the old index stays live until it ends);
                    // a cancel takes effect after it.
                    let _ = ctx.progress(done, total, format!("{done} of {total} apps")).await;
                }
            }
        }
    };
    let written = slugs_written_since(ctx, started - CLOCK_SLACK_MS).await?;
    let (caught_up, _) = index_app::sync(&ctx.services, &written.into_iter().collect::<Vec<_>>()).await?;
    Ok(serde_json::json!({ "indexed": indexed, "caught_up": caught_up }).to_string())
}

/// Slugs named by `index_app` jobs created after `since` (unix ms).
async fn slugs_written_since(ctx: &JobContext, since: i64) -> Result<BTreeSet<String>, JobError> {
    let filter = JobFilter { kind: Some(JobKind::IndexApp), state: None };
    let mut slugs = BTreeSet::new();
    for page in 1.. {
        let list = ctx.queue().list(&filter, page, PAGE).await.map_err(|e| JobError::Failed(e.to_string()))?;
        let mut older = false;
        for job in &list.jobs {
            if job.created_at < since {
                older = true;
                continue;
            }
            if let Ok(args) = serde_json::from_str::<index_app::Args>(&job.args) {
                slugs.extend(args.slugs);
            }
        }
        if older || list.jobs.len() < PAGE as usize {
            break;
        }
    }
    Ok(slugs)
}
