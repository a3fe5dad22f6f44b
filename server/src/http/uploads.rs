//! `POST /admin/uploads`: an administrator uploads a catalog file (JSON Lines or CSV) from the
//! jobs page; it is saved under `DATA_DIR/uploads` and an `import_catalog` job is queued for
//! it. A plain multipart form, so it works without JavaScript; answers with a redirect back to
//! `/admin/jobs`.

use app::api::auth::check_admin;
use app::domain::JobKind;
use app::ports::AppState;
use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use std::path::PathBuf;
use tower_sessions::Session;

/// Largest upload accepted (a 100k-app catalog is about 60 MB of JSON Lines).
pub const MAX_UPLOAD_BYTES: usize = 256 * 1024 * 1024;
const IMPORT_ATTEMPTS: u32 = 3;

#[derive(Clone)]
pub struct UploadDir(pub PathBuf);

/// A plain-text answer for the admin forms that post files.
pub(super) fn refuse(status: StatusCode, message: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message.to_string()).into_response()
}

/// Passes for an administrator's session; else the 401 or 403 to answer with.
pub(super) async fn admin_only(session: &Session, state: &AppState) -> Result<(), Response> {
    check_admin(session, state).await.map_err(|refused| {
        refuse(StatusCode::from_u16(refused.status()).unwrap_or(StatusCode::UNAUTHORIZED), &refused.to_string())
    })
}

pub async fn upload_catalog(
    State(state): State<AppState>,
    Extension(UploadDir(dir)): Extension<UploadDir>,
    session: Session,
    mut form: Multipart,
) -> Response {
    if let Err(refused) = admin_only(&session, &state).await {
        return refused;
    }
    let field = loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => break field,
            Ok(Some(_)) => continue,
            Ok(None) => return refuse(StatusCode::BAD_REQUEST, "the form has no file field"),
            Err(e) => return refuse(e.status(), &format!("the upload failed: {}", e.body_text())),
        }
    };
    let name = field.file_name().unwrap_or_default().to_ascii_lowercase();
    let extension = if name.ends_with(".csv") {
        "csv"
    } else if name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".json") {
        "jsonl"
    } else {
        return refuse(StatusCode::BAD_REQUEST, "the file must be JSON Lines (.jsonl) or CSV (.csv)");
    };
    let path = dir.join(format!("{}.{extension}", ulid::Ulid::new()));
    let bytes = match save(field, &dir, &path).await {
        Ok(0) => return refuse(StatusCode::BAD_REQUEST, "the file is empty"),
        Ok(bytes) => bytes,
        Err(Saving::Upload(e)) => return refuse(e.status(), &format!("the upload failed: {}", e.body_text())),
        Err(Saving::Disk(e)) => {
            tracing::error!("cannot save an upload to {}: {e}", path.display());
            return refuse(StatusCode::SERVICE_UNAVAILABLE, "the upload could not be saved; please try again");
        }
    };
    let args = serde_json::json!({ "path": path, "format": extension }).to_string();
    match state.jobs.enqueue(JobKind::ImportCatalog, &args, IMPORT_ATTEMPTS).await {
        Ok(job) => {
            tracing::info!(job = %job.id, bytes, "catalog upload queued for import");
            (StatusCode::SEE_OTHER, [(header::LOCATION, format!("/admin/jobs?queued={}", job.id))]).into_response()
        }
        Err(e) => {
            tracing::error!("cannot queue an import: {}", app::ports::Causes(&e));
            refuse(StatusCode::SERVICE_UNAVAILABLE, "the job queue is unavailable; please try again")
        }
    }
}

enum Saving {
    Upload(axum::extract::multipart::MultipartError),
    Disk(std::io::Error),
}

/// Streams the file to `path` as it arrives (never whole in memory): written to a `.part` file
/// renamed into place once complete, so a broken or refused upload leaves nothing behind.
/// Answers the bytes written; an empty file is removed too.
async fn save(
    mut field: axum::extract::multipart::Field<'_>,
    dir: &std::path::Path,
    path: &std::path::Path,
) -> Result<u64, Saving> {
    use tokio::io::AsyncWriteExt;
    tokio::fs::create_dir_all(dir).await.map_err(Saving::Disk)?;
    let part = path.with_extension("part");
    let written = async {
        let mut file = tokio::fs::File::create(&part).await.map_err(Saving::Disk)?;
        let mut bytes = 0u64;
        while let Some(chunk) = field.chunk().await.map_err(Saving::Upload)? {
            file.write_all(&chunk).await.map_err(Saving::Disk)?;
            bytes += chunk.len() as u64;
        }
        file.flush().await.map_err(Saving::Disk)?;
        file.sync_all().await.map_err(Saving::Disk)?;
        Ok(bytes)
    };
    match written.await {
        Ok(bytes) if bytes > 0 => {
            tokio::fs::rename(&part, path).await.map_err(Saving::Disk)?;
            Ok(bytes)
        }
        other => {
            let _ = tokio::fs::remove_file(&part).await;
            other
        }
    }
}
