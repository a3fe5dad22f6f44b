//! Creating and editing apps from `/admin/apps`. The writes go through the catalog the server
//! wired up, so they invalidate the cached pages that show the app and queue `index_app` for
//! search, like any other write. Every function requires an administrator's session.

use super::ApiError;
use crate::domain::{AppForm, AppImages, AppPage, AppSummary};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

pub const ADMIN_APPS_PER_PAGE: u32 = 25;

/// The newest apps first, for the admin's list.
#[server(input = Json)]
pub async fn admin_list_apps(page: u32) -> Result<AppPage<AppSummary>, ApiError> {
    super::auth::require_admin().await?;
    let state = super::state()?;
    let query = crate::domain::CatalogQuery {
        sort: crate::domain::SortOrder::Newest,
        page: page.clamp(1, crate::domain::MAX_PAGE),
        per_page: ADMIN_APPS_PER_PAGE,
        ..Default::default()
    };
    Ok(state.catalog.list(&query).await?.summarized())
}

/// The form for an app, filled from the stored app, or blank for a new one (`slug` empty); and
/// its images, which are not on the form (they have their own upload form).
#[server(input = Json)]
pub async fn admin_app_form(slug: String) -> Result<(AppForm, AppImages), ApiError> {
    super::auth::require_admin().await?;
    if slug.is_empty() {
        return Ok((AppForm::new_app(chrono::Utc::now().date_naive()), AppImages::default()));
    }
    let state = super::state()?;
    let app = state.catalog.get(&slug).await?.ok_or_else(|| ApiError::NotFound(format!("app {slug:?}")))?;
    Ok((AppForm::from_app(&app), app.facts.store.images))
}

/// Creates the app (`original_slug` empty) or saves the edits to the app `original_slug`
/// (whose slug does not change: it is the app's address). Goes to the app's page when saved.
/// A "verified today" button sends `form[verified]` = its group, dating that group's check.
#[server]
pub async fn save_app(original_slug: String, form: AppForm) -> Result<String, ApiError> {
    super::auth::require_admin().await?;
    let state = super::state()?;
    let invalid = |form: &AppForm, errors| ApiError::InvalidApp { form: Box::new(form.clone()), errors };
    let creating = original_slug.is_empty();
    // The stars and the images are not on the form: an edit keeps the stored ones.
    let (form, rating, images) = if creating {
        (form, (0.0, 0), Default::default())
    } else {
        let existing = state
            .catalog
            .get(&original_slug)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("app {original_slug:?}")))?;
        let kept = (existing.rating_avg, existing.rating_count);
        (AppForm { slug: original_slug.clone(), ..form }, kept, existing.facts.store.images)
    };
    let today = chrono::Utc::now().date_naive();
    let mut app = form.to_app(rating, today).map_err(|errors| invalid(&form, errors))?;
    app.facts.store.images = images;
    if creating && state.catalog.get(&app.slug).await?.is_some() {
        let taken = crate::domain::FieldError {
            field: "slug".into(),
            message: format!("An app at /apps/{} exists already; choose another.", app.slug),
        };
        return Err(invalid(&form, vec![taken]));
    }
    state.catalog.upsert_many(std::slice::from_ref(&app)).await?;
    tracing::info!(slug = %app.slug, created = creating, "app saved by an administrator");
    leptos_axum::redirect(&format!("/apps/{}", app.slug));
    Ok(app.slug)
}
