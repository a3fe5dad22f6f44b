//! `famigo seed`: fills the catalog with a generated, deterministic demo catalog.

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
    crate::catalog::seed::seed(&*store.catalog, apps, seed).await?;
    tracing::info!(apps, seconds = started.elapsed().as_secs_f64(), "seeded");
    store.close().await;
    Ok(())
}
