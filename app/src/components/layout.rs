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
            <UserMenu/>
        </header>
    }
}

/// "Sign in", or the signed-in parent's name (to their account) and "Sign out".
#[component]
fn UserMenu() -> impl IntoView {
    use crate::api::accounts::{SignOut, ViewerResource};
    let viewer = ViewerResource::from_context();
    let sign_out = viewer.map_or_else(ServerAction::<SignOut>::new, |viewer| viewer.1);
    view! {
        <nav class="user-menu" aria-label="Account">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let signed_in = match viewer {
                        Some(viewer) => viewer.0.await.ok().flatten(),
                        None => None,
                    };
                    match signed_in {
                        Some(viewer) => view! {
                            <a href="/my-apps">"My apps"</a>
                            <a href="/account" class="user-name">{viewer.user.display_name}</a>
                            <ActionForm action=sign_out attr:class="inline-form">
                                <button type="submit" class="link-button">"Sign out"</button>
                            </ActionForm>
                        }.into_any(),
                        None => view! { <a href="/signin" class="sign-in-link">"Sign in"</a> }.into_any(),
                    }
                })}
            </Transition>
        </nav>
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
