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
