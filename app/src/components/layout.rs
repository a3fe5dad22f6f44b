use super::SearchBox;
use crate::domain::AgeBand;
use leptos::prelude::*;

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/" aria-label="Famigo home">
                <span class="brand-mark" aria-hidden="true">"F"</span>
                "Famigo"
            </a>
            <nav class="site-nav" aria-label="Main">
                <a href="/apps">"All apps"</a>
                {AgeBand::ALL
                    .iter()
                    .map(|band| {
                        let href = format!("/apps?age={}", band.slug());
                        view! { <a href=href class="nav-age">{band.label()}</a> }
                    })
                    .collect_view()}
            </nav>
            <SearchBox/>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"Famigo helps families find apps and games that fit their kids."</p>
            <p class="fine-print">"Ratings and scorecards are written for parents; always try an app with your child."</p>
        </footer>
    }
}
