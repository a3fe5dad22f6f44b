//! `famigo seed`: fills the catalog with a generated, deterministic demo catalog and the
//! parents' reviews its stars come from.

use crate::config::Config;
use crate::wiring::Store;
use std::time::Instant;

pub async fn run(config: &Config, apps: usize, seed: u64, if_empty: bool) -> anyhow::Result<()> {
    let store = Store::open(config).await?;
    let existing = store.catalog.count().await?;
    if if_empty && existing > 0 {
        tracing::info!(existing, "catalog already has apps; not seeding");
        return Ok(());
    }
    let started = Instant::now();
    let seeded =
        crate::catalog::seed::seed_site(&*store.catalog, &*store.accounts, &*store.reviews, apps, seed).await?;
    tracing::info!(apps = seeded.apps, reviews = seeded.reviews, seconds = started.elapsed().as_secs_f64(), "seeded");
    store.close().await;
    Ok(())
}
