//! `POST /admin/uploads`: an administrator uploads a catalog file (JSON Lines or CSV) from the
//! jobs page; it is saved under `DATA_DIR/uploads` and an `import_catalog` job is queued for
//! it. A plain multipart form, so it works without JavaScript; answers with a redirect back to
//! `/admin/jobs`.

use app::api::admin::check_admin;
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

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message.to_string()).into_response()
}

pub async fn upload_catalog(
    State(state): State<AppState>,
    Extension(UploadDir(dir)): Extension<UploadDir>,
    session: Session,
    mut form: Multipart,
) -> Response {
    if let Err(refused) = check_admin(&session, &*state.accounts).await {
        return refuse(
            StatusCode::from_u16(refused.status()).unwrap_or(StatusCode::UNAUTHORIZED),
            &refused.to_string(),
        );
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
    let bytes = match field.bytes().await {
        Ok(bytes) => bytes,
        Err(e) => return refuse(e.status(), &format!("the upload failed: {}", e.body_text())),
    };
    if bytes.is_empty() {
        return refuse(StatusCode::BAD_REQUEST, "the file is empty");
    }
    let path = dir.join(format!("{}.{extension}", ulid::Ulid::new()));
    let saved = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::write(&path, &bytes).await
    };
    if let Err(e) = saved.await {
        tracing::error!("cannot save an upload to {}: {e}", path.display());
        return refuse(StatusCode::SERVICE_UNAVAILABLE, "the upload could not be saved; please try again");
    }
    let args = serde_json::json!({ "path": path, "format": extension }).to_string();
    match state.jobs.enqueue(JobKind::ImportCatalog, &args, IMPORT_ATTEMPTS).await {
        Ok(job) => {
            tracing::info!(job = %job.id, bytes = bytes.len(), "catalog upload queued for import");
            (StatusCode::SEE_OTHER, [(header::LOCATION, format!("/admin/jobs?queued={}", job.id))]).into_response()
        }
        Err(e) => {
            tracing::error!("cannot queue an import: {e}");
            refuse(StatusCode::SERVICE_UNAVAILABLE, "the job queue is unavailable; please try again")
        }
    }
}
