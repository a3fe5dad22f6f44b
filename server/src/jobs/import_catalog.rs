//! `import_catalog`: apps from a JSON Lines file, one app per line. Every line is checked
//! (JSON shape, then the domain's rules); good lines are upserted in batches (an app is
//! written whole or not at all), bad ones are reported with their line number, field and
//! reason. Re-running it is harmless: upserts by slug.
//! Arguments: `{"path": "<file readable by the worker>"}`.

use super::{JobContext, JobError};
use app::domain::App;
use serde::Serialize;
use tokio::io::AsyncBufReadExt;

const BATCH: usize = 500;
/// Errors kept in the result; the count covers them all.
const MAX_REPORTED: usize = 1000;

#[derive(serde::Deserialize)]
struct Args {
    path: String,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub rows: u64,
    pub imported: u64,
    pub error_count: u64,
    pub errors: Vec<RowError>,
}

/// Checks one line: the app it holds, or what is wrong with it.
pub fn parse_line(line_number: u64, line: &str) -> Result<App, RowError> {
    let mut app: App = serde_json::from_str(line).map_err(|e| {
        let text = e.to_string();
        // serde names the field in "missing field `x`" / "unknown field `x`"; otherwise the
        // column tells where the JSON went wrong.
        let field = text.split('`').nth(1).filter(|_| text.contains("field")).unwrap_or("json").to_string();
        RowError { line: line_number, field, reason: text }
    })?;
    app.normalize();
    app.validate().map_err(|e| RowError { line: line_number, field: e.field.to_string(), reason: e.reason })?;
    Ok(app)
}

pub async fn run(ctx: &JobContext) -> Result<String, JobError> {
    let args: Args = ctx.args()?;
    let open = || async {
        tokio::fs::File::open(&args.path).await.map_err(|e| JobError::Failed(format!("cannot read {}: {e}", args.path)))
    };
    // One pass to count lines, so progress has a total.
    let mut total = 0u64;
    let mut lines = tokio::io::BufReader::new(open().await?).lines();
    while lines.next_line().await.map_err(|e| JobError::Failed(e.to_string()))?.is_some() {
        total += 1;
    }

    let mut report = ImportReport { rows: 0, imported: 0, error_count: 0, errors: Vec::new() };
    let mut batch: Vec<App> = Vec::with_capacity(BATCH);
    let mut seen_in_batch = std::collections::HashSet::new();
    let mut lines = tokio::io::BufReader::new(open().await?).lines();
    let mut line_number = 0u64;
    while let Some(line) = lines.next_line().await.map_err(|e| JobError::Failed(e.to_string()))? {
        line_number += 1;
        if line.trim().is_empty() {
            continue;
        }
        report.rows += 1;
        match parse_line(line_number, &line) {
            Ok(app) => {
                // A slug twice in one batch: the later line wins, as it would across batches.
                if !seen_in_batch.insert(app.slug.clone()) {
                    batch.retain(|a: &App| a.slug != app.slug);
                }
                batch.push(app);
            }
            Err(error) => {
                report.error_count += 1;
                if report.errors.len() < MAX_REPORTED {
                    report.errors.push(error);
                }
            }
        }
        if batch.len() >= BATCH {
            write(ctx, &mut batch, &mut report).await?;
            seen_in_batch.clear();
            ctx.progress(line_number, total, format!("{line_number} of {total} lines")).await?;
        }
    }
    write(ctx, &mut batch, &mut report).await?;
    ctx.progress(total, total, format!("{} imported, {} bad lines", report.imported, report.error_count)).await?;
    serde_json::to_string(&report).map_err(|e| JobError::Failed(e.to_string()))
}

async fn write(ctx: &JobContext, batch: &mut Vec<App>, report: &mut ImportReport) -> Result<(), JobError> {
    if batch.is_empty() {
        return Ok(());
    }
    ctx.checkpoint()?;
    ctx.services.catalog.upsert_many(batch).await.map_err(|e| JobError::Failed(format!("store refused a batch: {e}")))?;
    report.imported += batch.len() as u64;
    batch.clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_name_their_field() {
        let good = serde_json::to_string(&crate::seed::generate(1, 7).next().unwrap()).unwrap();
        assert!(parse_line(1, &good).is_ok());
        let missing = good.replace("\"name\":", "\"nom\":");
        assert_eq!(parse_line(2, &missing).unwrap_err().field, "name");
        let bad_age = serde_json::to_string(&App { min_age: 40, ..parse_line(1, &good).unwrap() }).unwrap();
        let error = parse_line(3, &bad_age).unwrap_err();
        assert_eq!((error.line, error.field.as_str()), (3, "min_age"));
        assert_eq!(parse_line(4, "{not json").unwrap_err().field, "json");
    }
}
