//! Tags that tell crawlers and link previews what a page is.

use leptos::prelude::*;
use leptos_meta::{Link, Meta};

/// The site's public origin: `CANONICAL_URL` when set, else the (checked) host the request came to; in
/// the browser, the page's own origin (the same thing, once legacy hosts have redirected).
pub fn site_origin() -> String {
    #[cfg(feature = "ssr")]
    {
        if let Some(url) = use_context::<crate::ports::AppState>().and_then(|s| s.canonical_url) {
            return url;
        }
        // The server checked the Host and the scheme (`http::request_origin`).
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<crate::ports::RequestOrigin>().map(|o| o.url.clone()))
            .unwrap_or_default()
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

/// OpenGraph and Twitter card tags, so a shared link previews with a title, a description and
/// an image (`image`: an absolute URL; the site's logo when None). `path` is the canonical path.
#[component]
pub fn SocialMeta(
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    #[prop(into)] path: String,
    #[prop(optional)] image: Option<String>,
) -> impl IntoView {
    let origin = site_origin();
    let image = image.unwrap_or_else(|| format!("{origin}/favicon.svg"));
    view! {
        <Meta property="og:type" content="website"/>
        <Meta property="og:site_name" content="Famigo"/>
        <Meta property="og:title" content=title.clone()/>
        <Meta property="og:description" content=description.clone()/>
        <Meta property="og:url" content=format!("{origin}{path}")/>
        <Meta property="og:image" content=image.clone()/>
        <Meta name="twitter:card" content="summary"/>
        <Meta name="twitter:title" content=title/>
        <Meta name="twitter:description" content=description/>
        <Meta name="twitter:image" content=image/>
    }
}
