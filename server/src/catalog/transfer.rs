//! `famigo export` and `famigo import`: the catalog as JSON Lines (a format header, then one
//! app per line in the domain's own serde form: `jobs::catalog_json`), streamed in batches, so a catalog moves between stores (SQLite →
//! MongoDB and back) without loss. Import checks every line like the `import_catalog` job
//! (it is the same code) and writes only whole, valid apps.

use crate::jobs::import_catalog::{import_file, ImportProgress, ImportReport};
use crate::jobs::JobError;
use app::ports::{Catalog, StoreError};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;

const EXPORT_BATCH: usize = 1_000;

fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    let template = format!("{what} {{bar:40}} {{pos}}/{{len}} apps ({{per_sec}})");
    bar.set_style(ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()));
    bar
}

/// Writes every app, in slug order, to `out`; returns how many.
pub async fn export(catalog: &dyn Catalog, out: &mut (dyn Write + Send)) -> Result<u64, TransferError> {
    let progress = bar(catalog.count().await?, "exporting");
    let mut after: Option<String> = None;
    let mut written = 0u64;
    writeln!(out, "{}", crate::jobs::catalog_json::header())?;
    loop {
        let batch = catalog.scan(after.as_deref(), EXPORT_BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.slug.clone());
        for app in &batch {
            serde_json::to_writer(&mut *out, app).map_err(std::io::Error::other)?;
            out.write_all(b"\n")?;
        }
        written += batch.len() as u64;
        progress.set_position(written);
        if batch.len() < EXPORT_BATCH {
            break;
        }
    }
    out.flush()?;
    progress.finish_and_clear();
    Ok(written)
}

/// Imports a JSON Lines file; bad lines are reported, not written.
pub async fn import(catalog: &dyn Catalog, path: &str) -> Result<ImportReport, TransferError> {
    let progress = BarProgress(bar(0, "importing"));
    let report = import_file(catalog, path, false, &progress).await?;
    progress.0.finish_and_clear();
    Ok(report)
}

struct BarProgress(ProgressBar);

#[async_trait::async_trait]
impl ImportProgress for BarProgress {
    async fn before_batch(&self, rows: u64, total: u64) -> Result<(), JobError> {
        self.0.set_length(total);
        self.0.set_position(rows);
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Import(#[from] JobError),
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
}
