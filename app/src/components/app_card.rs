use super::app_image::AppBadge;
use crate::domain::{format_rating, AppSummary};
use leptos::prelude::*;

/// `better`: what the app does better than the one a parent is looking at (safer
/// alternatives); `compare`: a link comparing the two.
#[component]
pub fn AppCard(
    app: AppSummary,
    #[prop(optional)] better: Vec<String>,
    #[prop(optional, into)] compare: Option<String>,
) -> impl IntoView {
    let href = format!("/apps/{}", app.slug);
    let rating = format_rating(app.rating_avg);
    view! {
        <li class="app-card" data-card=app.slug.clone()>
            <a href=href class="app-card-link">
                <AppBadge name=app.name.clone() slug=app.slug.clone() icon=app.icon.clone()/>
                <span class="app-card-body">
                    <span class="app-card-name">{app.name.clone()}</span>
                    <span class="app-card-dev">{app.developer.clone()}</span>
                    <span class="app-card-meta">
                        <span class="age-pill">{format!("Age {}+", app.min_age)}</span>
                        <span class="price">{app.money_line.clone()}</span>
                        <span class="stars" title=format!("{rating} out of 5 stars")>
                            {format!("★ {rating}")}
                        </span>
                    </span>
                    {match app.worst_risk.clone() {
                        Some(risk) => view! { <span class="risk-pill">{risk}</span> }.into_any(),
                        None => view! { <span class="safe-pill">"No ads, purchases, chat or tracking"</span> }.into_any(),
                    }}
                    {(!better.is_empty()).then(|| view! {
                        <span class="better-chips">
                            {better.into_iter().map(|chip| view! { <span class="better-chip">{chip}</span> }).collect_view()}
                        </span>
                    })}
                </span>
            </a>
            {compare.map(|href| view! {
                <a class="compare-link" href=href>"Compare"<span class="visually-hidden">{format!(" {} side by side", app.name)}</span></a>
            })}
            <super::FavoriteButton slug=app.slug.clone() name=app.name.clone()/>
        </li>
    }
}

#[component]
pub fn AppGrid(apps: Vec<AppSummary>, #[prop(into)] label: String) -> impl IntoView {
    view! {
        <ul class="app-grid" aria-label=label>
            {apps.into_iter().map(|app| view! { <AppCard app/> }).collect_view()}
        </ul>
    }
}
