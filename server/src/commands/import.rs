//! `famigo import FILE`: upserts the apps of a JSON Lines file; lists every bad line and fails
//! (exit 1) if there was one, after writing the good ones.

use crate::config::Config;
use crate::wiring::Store;
use anyhow::Context;

pub async fn run(config: &Config, path: &std::path::Path) -> anyhow::Result<()> {
    let store = Store::open(config).await?;
    let report = crate::catalog::transfer::import(&*store.catalog, &path.to_string_lossy())
        .await
        .with_context(|| format!("cannot import {}", path.display()))?;
    store.close().await;
    for error in &report.errors {
        eprintln!("line {}: {}: {}", error.line, error.field, error.reason);
    }
    if report.error_count > report.errors.len() as u64 {
        eprintln!("… and {} more bad lines", report.error_count - report.errors.len() as u64);
    }
    eprintln!("imported {} of {} apps into {}", report.imported, report.rows, store.description);
    if report.error_count > 0 {
        anyhow::bail!("{} bad lines of {} were not imported (listed above)", report.error_count, path.display());
    }
    Ok(())
}
