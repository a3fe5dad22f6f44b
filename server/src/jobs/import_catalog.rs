//! `import_catalog`: apps from a JSON Lines file (one app per line, see `catalog_json.rs`) or a
//! CSV file (see `catalog_csv.rs`). Every row is checked (its shape, then the domain's rules); good rows are
//! upserted in batches (an app is written whole or not at all), bad ones are reported with
//! their line number, field and reason. Re-running it is harmless: upserts by slug.
//! Arguments: `{"path": "<a file in the upload folder>", "format": "jsonl" | "csv"}` (the
//! format defaults from the file's extension). Only files in `DATA_DIR/uploads` are read (an
//! administrator's job cannot read the server's own files); `famigo import` reads any file the
//! operator names. The file is read on a blocking thread.

pub use super::catalog_csv::RowError;
use super::catalog_json::{header_version, is_header};
use super::{JobContext, JobError};
use app::domain::App;
use serde::Serialize;

const BATCH: usize = 500;
/// Errors kept in the result; the count covers them all.
const MAX_REPORTED: usize = 1000;

#[derive(serde::Deserialize)]
struct Args {
    path: String,
    format: Option<String>,
}

/// What the reading thread sends: the row count first, then each row.
enum Parsed {
    Total(u64),
    Row(Result<Box<App>, RowError>),
    Unreadable(String),
}

#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub rows: u64,
    pub imported: u64,
    pub error_count: u64,
    pub errors: Vec<RowError>,
}

pub use super::catalog_json::parse_line;

pub async fn run(ctx: &JobContext) -> Result<String, JobError> {
    let args: Args = ctx.args()?;
    let csv = match args.format.as_deref() {
        Some("csv") => true,
        Some("jsonl") => false,
        Some(other) => return Err(JobError::Failed(format!("unknown format {other:?}; use jsonl or csv"))),
        None => args.path.to_ascii_lowercase().ends_with(".csv"),
    };
    let path = uploaded_file(&ctx.services.upload_dir, &args.path).await?;
    let report = import_file(&*ctx.services.catalog, &path, csv, ctx).await?;
    ctx.progress(report.rows, report.rows, format!("{} imported, {} bad rows", report.imported, report.error_count))
        .await?;
    serde_json::to_string(&report).map_err(|e| JobError::Failed(e.to_string()))
}

/// `path` if it names a file inside `upload_dir` once every link and `..` is resolved; the error
/// never says what is at a path outside it.
async fn uploaded_file(upload_dir: &std::path::Path, path: &str) -> Result<String, JobError> {
    let refused =
        || JobError::Failed(format!("{path:?} is not an uploaded file: only files uploaded at /admin can be imported"));
    let dir = tokio::fs::canonicalize(upload_dir).await.map_err(|_| refused())?;
    let file = tokio::fs::canonicalize(dir.join(path)).await.map_err(|_| refused())?;
    if !file.starts_with(&dir) || !file.is_file() {
        return Err(refused());
    }
    file.to_str().map(str::to_string).ok_or_else(refused)
}

/// Told before each batch is written; an error stops the import there (a cancelled job).
#[async_trait::async_trait]
pub trait ImportProgress: Send + Sync {
    async fn before_batch(&self, rows_read: u64, total_rows: u64) -> Result<(), JobError>;
}

#[async_trait::async_trait]
impl ImportProgress for JobContext {
    async fn before_batch(&self, rows: u64, total: u64) -> Result<(), JobError> {
        self.checkpoint()?;
        self.progress(rows, total, format!("{rows} of {total} rows")).await
    }
}

/// Reads `path` (JSON Lines, or CSV when `csv`), upserting the good rows in batches and
/// reporting the bad ones. Used by this job and `famigo import`.
pub async fn import_file(
    catalog: &dyn app::ports::Catalog,
    path: &str,
    csv: bool,
    progress: &dyn ImportProgress,
) -> Result<ImportReport, JobError> {
    let (rows, mut parsed) = tokio::sync::mpsc::channel::<Parsed>(BATCH * 2);
    let reader_path = path.to_string();
    let reader = tokio::task::spawn_blocking(move || {
        let path = reader_path;
        let outcome = if csv { read_csv(&path, &rows) } else { read_json_lines(&path, &rows) };
        if let Err(e) = outcome {
            let _ = rows.blocking_send(Parsed::Unreadable(format!("cannot read {path}: {e}")));
        }
    });

    let mut total = 0u64;
    let mut report = ImportReport { rows: 0, imported: 0, error_count: 0, errors: Vec::new() };
    let mut batch: Vec<App> = Vec::with_capacity(BATCH);
    let mut seen_in_batch = std::collections::HashSet::new();
    while let Some(message) = parsed.recv().await {
        match message {
            Parsed::Total(n) => total = n,
            Parsed::Unreadable(reason) => return Err(JobError::Failed(reason)),
            Parsed::Row(row) => {
                report.rows += 1;
                match row {
                    Ok(app) => {
                        // A slug twice in one batch: the later row wins, as it would across batches.
                        if !seen_in_batch.insert(app.slug.clone()) {
                            batch.retain(|a: &App| a.slug != app.slug);
                        }
                        batch.push(*app);
                    }
                    Err(error) => {
                        report.error_count += 1;
                        if report.errors.len() < MAX_REPORTED {
                            report.errors.push(error);
                        }
                    }
                }
                if batch.len() >= BATCH {
                    progress.before_batch(report.rows, total).await?;
                    write(catalog, &mut batch, &mut report).await?;
                    seen_in_batch.clear();
                }
            }
        }
    }
    reader.await.map_err(|e| JobError::Failed(format!("the file reader failed: {e}")))?;
    if !batch.is_empty() {
        progress.before_batch(report.rows, total).await?;
        write(catalog, &mut batch, &mut report).await?;
    }
    Ok(report)
}

fn read_json_lines(path: &str, rows: &tokio::sync::mpsc::Sender<Parsed>) -> std::io::Result<()> {
    use std::io::BufRead;
    let open = || std::fs::File::open(path).map(std::io::BufReader::new);
    let mut total = 0u64;
    for line in open()?.lines() {
        let line = line?;
        if !line.trim().is_empty() && !is_header(&line) {
            total += 1;
        }
    }
    if rows.blocking_send(Parsed::Total(total)).is_err() {
        return Ok(());
    }
    for (i, line) in open()?.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let number = i as u64 + 1;
        if is_header(&line) {
            // A header names the format; a version this build cannot read stops the import.
            if let Err(e) = header_version(number, &line) {
                let _ = rows.blocking_send(Parsed::Unreadable(format!("line {}: {}", e.line, e.reason)));
                return Ok(());
            }
            continue;
        }
        if rows.blocking_send(Parsed::Row(parse_line(number, &line).map(Box::new))).is_err() {
            return Ok(()); // the job stopped
        }
    }
    Ok(())
}

fn read_csv(path: &str, rows: &tokio::sync::mpsc::Sender<Parsed>) -> std::io::Result<()> {
    let total = csv::Reader::from_path(path).map_err(std::io::Error::other)?.records().count() as u64;
    if rows.blocking_send(Parsed::Total(total)).is_err() {
        return Ok(());
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(path).map_err(std::io::Error::other)?;
    let header = reader.headers().map_err(std::io::Error::other)?.clone();
    let index = match super::catalog_csv::header_index(&header) {
        Ok(index) => index,
        Err(e) => {
            let _ = rows.blocking_send(Parsed::Unreadable(format!("line 1: {}", e.reason)));
            return Ok(());
        }
    };
    for record in reader.records() {
        let parsed = match record {
            Ok(record) => {
                let line = record.position().map(|p| p.line()).unwrap_or(0);
                let row = super::catalog_csv::parse_row(line, &record, &index).and_then(|mut app| {
                    app.normalize();
                    app.validate().map_err(|e| RowError { line, field: e.field.to_string(), reason: e.reason })?;
                    Ok(app)
                });
                Parsed::Row(row.map(Box::new))
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                Parsed::Row(Err(RowError { line, field: "csv".into(), reason: e.to_string() }))
            }
        };
        if rows.blocking_send(parsed).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

async fn write(
    catalog: &dyn app::ports::Catalog,
    batch: &mut Vec<App>,
    report: &mut ImportReport,
) -> Result<(), JobError> {
    catalog.upsert_many(batch).await.map_err(|e| JobError::Failed(format!("store refused a batch: {e}")))?;
    report.imported += batch.len() as u64;
    batch.clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_name_their_field() {
        let good = serde_json::to_string(&crate::catalog::seed::generate(1, 7).next().unwrap()).unwrap();
        assert!(parse_line(1, &good).is_ok());
        let missing = good.replace("\"name\":", "\"nom\":");
        assert_eq!(parse_line(2, &missing).unwrap_err().field, "name");
        let bad_age = serde_json::to_string(&App { min_age: 40, ..parse_line(1, &good).unwrap() }).unwrap();
        let error = parse_line(3, &bad_age).unwrap_err();
        assert_eq!((error.line, error.field.as_str()), (3, "min_age"));
        assert_eq!(parse_line(4, "{not json").unwrap_err().field, "json");
    }
}
