//! Tags that tell crawlers and link previews what a page is.

use leptos::prelude::*;
use leptos_meta::Link;

/// The site's public origin: `CANONICAL_URL` when set, else the host the request came to; in
/// the browser, the page's own origin (the same thing, once legacy hosts have redirected).
pub fn site_origin() -> String {
    #[cfg(feature = "ssr")]
    {
        if let Some(url) = use_context::<crate::ports::AppState>().and_then(|s| s.canonical_url) {
            return url;
        }
        let Some(parts) = use_context::<http::request::Parts>() else { return String::new() };
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        match header("host") {
            Some(host) => format!("{}://{host}", header("x-forwarded-proto").unwrap_or_else(|| "http".into())),
            None => String::new(),
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        window().location().origin().unwrap_or_default()
    }
}

/// `<link rel="canonical">` for a path (with its normalized query).
#[component]
pub fn Canonical(#[prop(into)] path: String) -> impl IntoView {
    let href = format!("{}{}", site_origin(), path);
    view! { <Link rel="canonical" href=href/> }
}
