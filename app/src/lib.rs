#![recursion_limit = "256"]
//! The Famigo site: shell, router and everything both the server and the browser run.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod content_policy;
pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ports;

use components::{NotFound, SiteFooter, SiteHeader};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};
use pages::{
    AccountPage, AdminAppEditPage, AdminAppsPage, AdminJobsPage, AdminMailPage, AdminReviewsPage, AdminSignInPage,
    AppDetailPage, BrowsePage, ComparePage, HomePage, MyAppsPage, ResetPasswordPage, SearchResultsPage, SignInPage,
    SignUpPage, UnsubscribePage,
};

/// The HTML document around the app, rendered on the server only. Asset links carry
/// cargo-leptos's hashed names (cacheable forever) and the CDN base when `ASSET_URL` is set.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let asset_root = use_context::<ports::AppState>().and_then(|s| s.asset_url).unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let asset_root = String::new();
    #[cfg(feature = "ssr")]
    content_policy::declare(&asset_root);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#2f6f5e"/>
                <meta name="famigo-assets" content=asset_root.clone()/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet options=options.clone() id="leptos" root=asset_root.clone()/>
                <HydrationScripts options root=asset_root/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(components::AssetRoot::of_this_page());
    // Runs only in the browser, once hydration has wired up the page; tests wait for it.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    // Data pages render fully before the response starts, so their status (404, 400) and
    // meta tags are in the first byte.
    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Router>
            <SiteFrame/>
        </Router>
    }
}

/// Everything inside the router: the viewer (signed-in parent or visitor) is provided here
/// for the header and the pages.
#[component]
fn SiteFrame() -> impl IntoView {
    api::accounts::ViewerResource::provide();
    view! {
        <SiteHeader/>
        <main id="main" class="page">
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/apps") view=BrowsePage ssr=SsrMode::Async/>
                <Route path=path!("/apps/:slug") view=AppDetailPage ssr=SsrMode::Async/>
                <Route path=path!("/search") view=SearchResultsPage ssr=SsrMode::Async/>
                <Route path=path!("/compare") view=ComparePage ssr=SsrMode::Async/>
                <Route path=path!("/signin") view=SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/signup") view=SignUpPage ssr=SsrMode::Async/>
                <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                <Route path=path!("/my-apps") view=MyAppsPage ssr=SsrMode::Async/>
                <Route path=path!("/reset-password") view=ResetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/unsubscribe") view=UnsubscribePage ssr=SsrMode::Async/>
                <Route path=path!("/admin") view=AdminSignInPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/jobs") view=AdminJobsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/apps") view=AdminAppsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/mail") view=AdminMailPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/reviews") view=AdminReviewsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/apps/new") view=AdminAppEditPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/apps/:slug/edit") view=AdminAppEditPage ssr=SsrMode::Async/>
            </Routes>
        </main>
        <SiteFooter/>
    }
}
