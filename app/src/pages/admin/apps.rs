//! `/admin/apps`: the newest apps with links to edit them, a new-app form and the catalog
//! import; `/admin/apps/new` and `/admin/apps/:slug/edit`: the app form, with each problem
//! shown beside its input (also without JavaScript: the error comes back in the URL).

use super::admin_refusal;
use super::fact_fields::{FactFields, FieldProblems};
use super::image_fields::ImageFields;
use crate::api::admin_apps::{admin_app_form, admin_list_apps, SaveApp};
use crate::api::ApiError;
use crate::domain::{page_count, AppForm, AppImages, Category, FieldError, Platform};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn AdminAppsPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || query.read().get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1).max(1);
    let apps = Resource::new(page, admin_list_apps);
    view! {
        <Title text="Apps · Famigo admin"/>
        <Meta name="robots" content="noindex"/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match apps.await {
                    Ok(list) => {
                        let (page, pages) = (list.page, page_count(list.total, list.per_page));
                        view! {
                            <section class="admin admin-apps">
                                <h1>"Apps"</h1>
                                <p><a class="button" href="/admin/apps/new">"Add an app"</a>" · "<a href="/admin/jobs">"Jobs"</a></p>
                                <form class="job-upload" method="post" action="/admin/uploads" enctype="multipart/form-data">
                                    <label>"Import a catalog file (JSON Lines or CSV) "
                                        <input type="file" name="file" accept=".jsonl,.ndjson,.json,.csv" required/>
                                    </label>
                                    <button type="submit">"Upload and import"</button>
                                </form>
                                <p>{format!("{} apps, newest first", list.total)}</p>
                                <table class="admin-app-list">
                                    <thead><tr><th>"App"</th><th>"Ages"</th><th>"Price"</th><th></th></tr></thead>
                                    <tbody>
                                        {list.apps.into_iter().map(|app| view! {
                                            <tr data-slug=app.slug.clone()>
                                                <td><a href=format!("/apps/{}", app.slug)>{app.name.clone()}</a><br/><small>{app.slug.clone()}</small></td>
                                                <td>{format!("{}+", app.min_age)}</td>
                                                <td>{crate::domain::format_price(app.price_cents)}</td>
                                                <td><a href=format!("/admin/apps/{}/edit", app.slug)>"Edit"</a></td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <nav class="pager">
                                    {(page > 1).then(|| view! { <a rel="prev" href=format!("/admin/apps?page={}", page - 1)>"← Newer"</a> })}
                                    {(page < pages).then(|| view! { <a rel="next" href=format!("/admin/apps?page={}", page + 1)>"Older →"</a> })}
                                </nav>
                            </section>
                        }.into_any()
                    }
                    Err(error) => admin_refusal(error),
                }
            })}
        </Transition>
    }
}

/// `/admin/apps/new` and `/admin/apps/:slug/edit`.
#[component]
pub fn AdminAppEditPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let form = Resource::new(slug, admin_app_form);
    let save = ServerAction::<SaveApp>::new();
    view! {
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok((stored, images)) => view! { <AppEditor stored images original_slug=slug() save/> }.into_any(),
                    Err(error) => admin_refusal(error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AppEditor(stored: AppForm, images: AppImages, original_slug: String, save: ServerAction<SaveApp>) -> impl IntoView {
    let creating = original_slug.is_empty();
    let title = if creating { "Add an app".to_string() } else { format!("Edit {}", stored.name) };
    // After a refused save: the form as posted, with its errors; otherwise the stored app.
    let shown = move || match save.value().get() {
        Some(Err(ApiError::InvalidApp { form, errors })) => (*form, errors, None),
        Some(Err(other)) => (stored.clone(), Vec::new(), Some(other.to_string())),
        _ => (stored.clone(), Vec::new(), None),
    };
    view! {
        <Title text=format!("{title} · Famigo admin")/>
        <section class="admin admin-app-edit">
            <p><a href="/admin/apps">"← All apps"</a></p>
            <h1>{title}</h1>
            {move || {
                let (form, errors, failure) = shown();
                let images = images.clone();
                view! { <AppFields form images errors failure original_slug=original_slug.clone() creating save/> }
            }}
        </section>
    }
}

#[component]
fn AppFields(
    form: AppForm,
    images: AppImages,
    errors: Vec<FieldError>,
    failure: Option<String>,
    original_slug: String,
    creating: bool,
    save: ServerAction<SaveApp>,
) -> impl IntoView {
    let count = errors.len();
    let images = (!creating).then(|| (original_slug.clone(), images));
    let problems = FieldProblems(std::sync::Arc::new(errors));
    let problem = {
        let problems = problems.clone();
        move |field: &str| problems.show(field)
    };
    let invalid = {
        let problems = problems.clone();
        move |field: &str| problems.invalid(field)
    };
    view! {
        {failure.map(|f| view! { <p class="form-error" role="alert">{f}</p> })}
        {(count > 0).then(|| view! { <p class="form-error" role="alert">{format!("Nothing was saved: please correct the {count} marked field{}.", if count == 1 { "" } else { "s" })}</p> })}
        <ActionForm action=save attr:class="app-form">
            <input type="hidden" name="original_slug" value=original_slug/>
            <label for="app-slug">"Address (slug)"</label>
            <input id="app-slug" name="form[slug]" value=form.slug.clone() readonly=!creating aria-invalid=invalid("slug") pattern="[a-z0-9\\-]{1,80}" required/>
            {problem("slug")}
            <label for="app-name">"Name"</label>
            <input id="app-name" name="form[name]" value=form.name.clone() aria-invalid=invalid("name") maxlength="120" required/>
            {problem("name")}
            <label for="app-developer">"Developer"</label>
            <input id="app-developer" name="form[developer]" value=form.developer.clone() aria-invalid=invalid("developer") maxlength="120" required/>
            {problem("developer")}
            <label for="app-description">"Description"</label>
            <textarea id="app-description" name="form[description]" rows="5" aria-invalid=invalid("description")>{crate::components::textarea_text(form.description.clone())}</textarea>
            {problem("description")}
            <fieldset aria-invalid=invalid("platforms")>
                <legend>"Platforms"</legend>
                {Platform::ALL.iter().map(|p| view! {
                    <label class="check"><input type="checkbox" name="form[platforms][]" value=p.slug() checked=form.platforms.iter().any(|s| s == p.slug())/>{p.label()}</label>
                }).collect_view()}
            </fieldset>
            {problem("platforms")}
            <fieldset aria-invalid=invalid("categories")>
                <legend>"Categories"</legend>
                {Category::ALL.iter().map(|c| view! {
                    <label class="check"><input type="checkbox" name="form[categories][]" value=c.slug() checked=form.categories.iter().any(|s| s == c.slug())/>{c.label()}</label>
                }).collect_view()}
            </fieldset>
            {problem("categories")}
            <label for="app-price">"Price in dollars (0 = free)"</label>
            <input id="app-price" name="form[price]" value=form.price.clone() inputmode="decimal" aria-invalid=invalid("price")/>
            {problem("price")}
            <label for="app-min-age">"Youngest age (2–18)"</label>
            <input id="app-min-age" name="form[min_age]" value=form.min_age.clone() inputmode="numeric" aria-invalid=invalid("min_age")/>
            {problem("min_age")}
            <label for="app-learning">"Learning (0–5)"</label>
            <input id="app-learning" name="form[learning_rating]" value=form.learning_rating.clone() inputmode="numeric" aria-invalid=invalid("learning_rating")/>
            {problem("learning_rating")}
            <label for="app-max-age">"Best for up to age (empty: no upper age)"</label>
            <input id="app-max-age" name="form[max_age]" value=form.max_age.clone() inputmode="numeric" aria-invalid=invalid("max_age")/>
            {problem("max_age")}
            <FactFields form=form.clone() problems=problems.clone()/>
            <label for="app-released">"Released"</label>
            <input id="app-released" type="date" name="form[released]" value=form.released.clone() aria-invalid=invalid("released")/>
            {problem("released")}
            <label for="app-updated">"Last updated"</label>
            <input id="app-updated" type="date" name="form[updated]" value=form.updated.clone() aria-invalid=invalid("updated")/>
            {problem("updated")}
            <button type="submit">{if creating { "Add the app" } else { "Save changes" }}</button>
        </ActionForm>
        {images.map(|(slug, images)| view! { <ImageFields slug images/> })}
    }
}
