//! `GET /media/<name>`: an app image, generated (the demo catalog's) or uploaded (from the
//! store). A name is its content's digest, so the answer never changes: browsers and a CDN
//! in front (`ASSET_URL`) keep it for a year without asking again.
//!
//! `POST /admin/apps/<slug>/images`: an administrator adds an icon or a screenshot (a plain
//! multipart form, so it works without JavaScript), or removes one (`remove` = its name). The
//! image is re-encoded (`media::upload`) and stored before the app names it, so an app never
//! shows a missing picture; the app is then written like any edit (caches invalidated).

use super::uploads::{admin_only, refuse};
use crate::media::artwork;
use crate::media::upload::{reencode, ImageUse, MAX_IMAGE_BYTES};
use app::domain::{parse_media_id, App, MAX_SCREENSHOTS};
use app::ports::{AppState, StoredImage};
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

/// Largest upload request: the image and the form's few other fields.
pub const MAX_IMAGE_REQUEST_BYTES: usize = MAX_IMAGE_BYTES + 64 * 1024;

/// What an image answer says besides its bytes: kept forever, never sniffed, and (for an
/// SVG opened on its own) unable to run anything.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const IMAGE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

pub async fn serve_image(State(state): State<AppState>, Path(name): Path<String>, headers: HeaderMap) -> Response {
    if parse_media_id(&name).is_none() {
        return (StatusCode::NOT_FOUND, "no such image").into_response();
    }
    let etag = format!("\"{}\"", name.split('.').next().unwrap_or_default());
    let image: StoredImage = match artwork::generated(&name) {
        Some(image) => image,
        None => match state.media.get(&name).await {
            Ok(Some(image)) => image,
            Ok(None) => return (StatusCode::NOT_FOUND, "no such image").into_response(),
            Err(e) => {
                tracing::warn!("cannot read image {name}: {}", app::ports::Causes(&e));
                return (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, "5")], "images are unavailable")
                    .into_response();
            }
        },
    };
    let fixed = [
        (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
        (header::ETAG, HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("\"\""))),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(IMAGE_POLICY)),
    ];
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains(&etag)) {
        return (StatusCode::NOT_MODIFIED, fixed).into_response();
    }
    (fixed, [(header::CONTENT_TYPE, image.format.content_type())], image.bytes).into_response()
}

/// The form's fields: what the image is for, the file, or the name of an image to remove.
#[derive(Default)]
struct ImageForm {
    usage: Option<String>,
    file: Option<Vec<u8>>,
    remove: Option<String>,
}

async fn read_form(form: &mut Multipart) -> Result<ImageForm, Response> {
    let failed = |e: axum::extract::multipart::MultipartError| {
        refuse(e.status(), &format!("the upload failed: {}", e.body_text()))
    };
    let mut read = ImageForm::default();
    while let Some(field) = form.next_field().await.map_err(failed)? {
        match field.name() {
            Some("use") => read.usage = Some(field.text().await.map_err(failed)?),
            Some("remove") => read.remove = Some(field.text().await.map_err(failed)?),
            Some("file") => read.file = Some(field.bytes().await.map_err(failed)?.to_vec()),
            _ => {}
        }
    }
    Ok(read)
}

pub async fn change_images(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    session: Session,
    mut form: Multipart,
) -> Response {
    if let Err(refused) = admin_only(&session, &state).await {
        return refused;
    }
    let unavailable = |e: app::ports::StoreError| {
        tracing::error!("cannot change the images of {slug}: {}", app::ports::Causes(&e));
        refuse(StatusCode::SERVICE_UNAVAILABLE, "the catalog is unavailable; please try again")
    };
    let mut app: App = match state.catalog.get(&slug).await {
        Ok(Some(app)) => app,
        Ok(None) => return refuse(StatusCode::NOT_FOUND, &format!("there is no app {slug:?}")),
        Err(e) => return unavailable(e),
    };
    let form = match read_form(&mut form).await {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let images = &mut app.facts.store.images;
    if let Some(name) = form.remove.filter(|n| !n.is_empty()) {
        let before = (images.icon.clone(), images.screenshots.len());
        if images.icon.as_ref().is_some_and(|i| i.id == name) {
            images.icon = None;
        }
        images.screenshots.retain(|i| i.id != name);
        if (images.icon.clone(), images.screenshots.len()) == before {
            return refuse(StatusCode::BAD_REQUEST, &format!("{slug} has no image {name:?}"));
        }
    } else {
        let Some(usage) = form.usage.as_deref().and_then(ImageUse::from_slug) else {
            return refuse(StatusCode::BAD_REQUEST, "say what the image is for: use=icon or use=screenshot");
        };
        if usage == ImageUse::Screenshot && images.screenshots.len() >= MAX_SCREENSHOTS {
            return refuse(StatusCode::BAD_REQUEST, "the app has 5 screenshots already; remove one first");
        }
        let Some(file) = form.file.filter(|f| !f.is_empty()) else {
            return refuse(StatusCode::BAD_REQUEST, "choose an image file (PNG, JPEG or WebP)");
        };
        let encoded = tokio::task::spawn_blocking(move || reencode(&file, usage)).await;
        let (image, stored) = match encoded {
            Ok(Ok(done)) => done,
            Ok(Err(problem)) => return refuse(StatusCode::BAD_REQUEST, &problem.to_string()),
            Err(e) => {
                tracing::error!("re-encoding an image failed: {e}");
                return refuse(StatusCode::BAD_REQUEST, "the image could not be read");
            }
        };
        if usage == ImageUse::Screenshot && images.screenshots.iter().any(|s| s.id == image.id) {
            return refuse(StatusCode::BAD_REQUEST, "the app shows this screenshot already");
        }
        if let Err(e) = state.media.put(&image.id, &stored).await {
            tracing::error!("cannot store an image of {slug}: {}", app::ports::Causes(&e));
            return refuse(StatusCode::SERVICE_UNAVAILABLE, "images cannot be stored right now; please try again");
        }
        match usage {
            ImageUse::Icon => images.icon = Some(image),
            ImageUse::Screenshot => images.screenshots.push(image),
        }
    }
    if let Err(e) = state.catalog.upsert_many(std::slice::from_ref(&app)).await {
        return unavailable(e);
    }
    tracing::info!(slug = %app.slug, "app images changed by an administrator");
    (StatusCode::SEE_OTHER, [(header::LOCATION, format!("/admin/apps/{slug}/edit#images"))]).into_response()
}
