use crate::api::catalog::get_home;
use crate::components::{AppGrid, Canonical, ErrorPage, SocialMeta};
use crate::domain::{AgeBand, CatalogQuery, HomeShelves, SortOrder};
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

const HOME_DESCRIPTION: &str = "Find apps and games for your kids by age, platform and price, with learning ratings and an honest look at ads, in-app purchases and data collection.";

#[component]
pub fn HomePage() -> impl IntoView {
    let shelves = Resource::new(|| (), |_| get_home());
    view! {
        <Title text="Famigo — apps and games that fit your kids"/>
        <Canonical path="/"/>
        <Link rel="alternate" type_="application/atom+xml" title="New apps on Famigo" href="/feeds/new.atom"/>
        <Meta name="description" content=HOME_DESCRIPTION/>
        <SocialMeta title="Famigo — apps and games that fit your kids" description=HOME_DESCRIPTION path="/"/>
        <section class="hero">
            <h1>"Apps and games that fit your kids"</h1>
            <p>"Pick an age to start. Every app has a scorecard for learning, content and privacy."</p>
            <ul class="age-picker">
                {AgeBand::ALL
                    .iter()
                    .map(|band| {
                        let href = CatalogQuery { age: Some(*band), ..Default::default() }.href();
                        view! { <li><a href=href>{band.label()}</a></li> }
                    })
                    .collect_view()}
            </ul>
        </section>
        <KidsPicks/>
        <Transition fallback=|| view! { <p class="loading">"Loading apps…"</p> }>
            {move || Suspend::new(async move {
                match shelves.await {
                    Ok(shelves) => view! { <Shelves shelves/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A shelf per child for a signed-in parent ("For Maya, 5"); an invitation to add the kids'
/// ages to one who has none; nothing for a visitor.
#[component]
fn KidsPicks() -> impl IntoView {
    let picks = Resource::new(|| (), |_| crate::api::picks::home_picks());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match picks.await {
                    Ok(Some(shelves)) if shelves.is_empty() => view! {
                        <p class="picks-invite">"Add your kids' ages on "<a href="/account">"your account"</a>" and this page picks apps for each of them."</p>
                    }.into_any(),
                    Ok(Some(shelves)) => shelves.into_iter().map(|shelf| {
                        let more = CatalogQuery { age: Some(shelf.band), sort: SortOrder::Learning, ..Default::default() }.href();
                        view! {
                            <section class="shelf picks" data-picks=shelf.band.slug()>
                                <div class="shelf-head">
                                    <h2>{format!("For {}", shelf.label)}</h2>
                                    <a href=more>{format!("More for {}", shelf.band.label().to_lowercase())}</a>
                                </div>
                                <AppGrid apps=shelf.apps label=format!("Picks for {}", shelf.label)/>
                            </section>
                        }
                    }).collect_view().into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Shelves(shelves: HomeShelves) -> impl IntoView {
    let newest_href = CatalogQuery { sort: SortOrder::Newest, ..Default::default() }.href();
    let total = shelves.total_apps;
    view! {
        <section class="shelf" id="top-rated">
            <div class="shelf-head">
                <h2>"Top rated by parents"</h2>
                <a href="/apps">{format!("See all {total} apps")}</a>
            </div>
            <AppGrid apps=shelves.top_rated label="Top rated"/>
        </section>
        {shelves
            .rising
            .into_iter()
            .map(|(band, apps)| view! {
                <section class="shelf rising" data-rising=band.slug()>
                    <div class="shelf-head">
                        <h2>{format!("Rising this week for {}", band.label().to_lowercase())}</h2>
                    </div>
                    <AppGrid apps label=format!("Rising for {}", band.label())/>
                </section>
            })
            .collect_view()}
        {shelves
            .by_age
            .into_iter()
            .map(|(band, apps)| {
                let href = CatalogQuery { age: Some(band), ..Default::default() }.href();
                view! {
                    <section class="shelf" data-band=band.slug()>
                        <div class="shelf-head">
                            <h2>{format!("Picks for {}", band.label().to_lowercase())}</h2>
                            <a href=href>{format!("More for {}", band.label().to_lowercase())}</a>
                        </div>
                        <AppGrid apps label=band.label()/>
                    </section>
                }
            })
            .collect_view()}
        <section class="shelf" id="newest">
            <div class="shelf-head">
                <h2>"New this season"</h2>
                <a href=newest_href>"All new apps"</a>
            </div>
            <AppGrid apps=shelves.newest label="Newest"/>
        </section>
    }
}
