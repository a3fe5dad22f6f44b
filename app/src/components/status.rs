use crate::api::ApiError;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// Sets the HTTP status of the server-rendered response; does nothing in the browser.
pub fn set_http_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(options), Ok(status)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(code))
    {
        options.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

#[component]
pub fn NotFound(#[prop(into, optional)] what: Option<String>) -> impl IntoView {
    set_http_status(404);
    view! {
        <Title text="Page not found"/>
        <Meta name="robots" content="noindex"/>
        <section class="status-page" data-status="404">
            <h1>"We couldn't find that page"</h1>
            <p>{what.unwrap_or_else(|| "The page you asked for does not exist.".to_string())}</p>
            <p><a href="/apps">"Browse all apps"</a>" or go back to the "<a href="/">"home page"</a>"."</p>
        </section>
    }
}

/// The page for a server function's error, with the matching HTTP status.
#[component]
pub fn ErrorPage(error: ApiError) -> impl IntoView {
    if let ApiError::NotFound(what) = &error {
        return view! { <NotFound what=format!("There is no {what} in our catalog.")/> }.into_any();
    }
    let status = error.status();
    set_http_status(status);
    let (title, detail) = match &error {
        ApiError::BadQuery(e) => (
            "That filter doesn't look right".to_string(),
            format!("The parameter `{}` has the value “{}”, but we {}.", e.param, e.value, e.expected),
        ),
        other => ("Something went wrong".to_string(), other.to_string()),
    };
    view! {
        <Title text=title.clone()/>
        <Meta name="robots" content="noindex"/>
        <section class="status-page" data-status=status.to_string()>
            <h1>{title}</h1>
            <p class="error-detail">{detail}</p>
            <p><a href="/apps">"Start again with all apps"</a></p>
        </section>
    }
    .into_any()
}
