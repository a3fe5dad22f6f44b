use crate::api::catalog::get_app;
use crate::components::{
    site_origin, AppBadge, AppGrid, Canonical, ErrorPage, FavoriteButton, ReviewResources, ReviewsSection, Scorecard,
    SocialMeta,
};
use crate::domain::{format_rating, App, AppDetail, CatalogQuery};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn AppDetailPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let detail = Resource::new(slug, get_app);
    let reviews = ReviewResources::new(slug);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <AppView detail reviews/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AppView(detail: AppDetail, reviews: ReviewResources) -> impl IntoView {
    let AppDetail { app, similar } = detail;
    let band = app.age_band();
    let title = format!("{} — for ages {}+", app.name, app.min_age);
    let summary: String = app.description.chars().take(155).collect();
    let band_href = CatalogQuery { age: Some(band), ..Default::default() }.href();
    let categories = app.categories.clone();
    let platforms = app.platforms.iter().map(|p| p.label()).collect::<Vec<_>>().join(", ");
    let origin = site_origin();
    let page_url = format!("{origin}/apps/{}", app.slug);
    let image = format!("{origin}/apps/{}/icon.svg", app.slug);
    let json_ld = structured_data(&app, &page_url, &image);
    view! {
        <Title text=title.clone()/>
        <Meta name="description" content=summary.clone()/>
        <Canonical path=format!("/apps/{}", app.slug)/>
        <SocialMeta title=title description=summary path=format!("/apps/{}", app.slug) image=image/>
        <script type="application/ld+json" inner_html=json_ld></script>
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href="/apps">"All apps"</a>" › "<a href=band_href>{band.label()}</a>
        </nav>
        <article class="app-detail" data-slug=app.slug.clone()>
            <header class="app-head">
                <AppBadge name=app.name.clone() slug=app.slug.clone() large=true/>
                <div>
                    <div class="app-title">
                        <h1>{app.name.clone()}</h1>
                        <FavoriteButton slug=app.slug.clone() name=app.name.clone()/>
                    </div>
                    <p class="app-dev">"by "{app.developer.clone()}</p>
                    <p class="app-facts">
                        <span class="age-pill age-pill-large">{format!("Ages {}+", app.min_age)}</span>
                        <span class="price">{app.price_label()}</span>
                        <span class="stars">{format!("★ {} ({} {})", format_rating(app.rating_avg), app.rating_count, if app.rating_count == 1 { "rating" } else { "ratings" })}</span>
                        <span class="learning">{format!("Learning {}/5", app.learning_rating)}</span>
                    </p>
                    <p class="app-platforms">"Available on: "{platforms}</p>
                    <ul class="tags">
                        {categories
                            .into_iter()
                            .map(|c| {
                                let href = CatalogQuery { category: Some(c), ..Default::default() }.href();
                                view! { <li><a href=href>{c.label()}</a></li> }
                            })
                            .collect_view()}
                    </ul>
                </div>
            </header>
            <section class="app-description">
                <h2>"About this app"</h2>
                <p>{app.description.clone()}</p>
                <p class="dates">{format!("Released {} · Updated {}", app.released.format("%B %-d, %Y"), app.updated.format("%B %-d, %Y"))}</p>
            </section>
            <Scorecard app=app.clone()/>
            <ReviewsSection slug=app.slug.clone() name=app.name.clone() reviews/>
        </article>
        <section class="shelf similar">
            <h2>"Similar apps"</h2>
            {if similar.is_empty() {
                view! { <p>"No similar apps yet."</p> }.into_any()
            } else {
                view! { <AppGrid apps=similar label="Similar apps"/> }.into_any()
            }}
        </section>
    }
}

/// schema.org `SoftwareApplication` for the app, as JSON-LD, safe inside a script element
/// (`script_safe_json`).
fn structured_data(app: &App, url: &str, image: &str) -> String {
    let mut data = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "SoftwareApplication",
        "name": app.name,
        "url": url,
        "image": image,
        "description": app.description,
        "operatingSystem": app.platforms.iter().map(|p| p.label()).collect::<Vec<_>>().join(", "),
        "applicationCategory": if app.categories.contains(&crate::domain::Category::Games) { "GameApplication" } else { "EducationalApplication" },
        "author": { "@type": "Organization", "name": app.developer },
        "datePublished": app.released.format("%Y-%m-%d").to_string(),
        "dateModified": app.updated.format("%Y-%m-%d").to_string(),
        "contentRating": format!("Ages {}+", app.min_age),
        "offers": { "@type": "Offer", "price": format!("{}.{:02}", app.price_cents / 100, app.price_cents % 100), "priceCurrency": "USD" },
    });
    if app.rating_count > 0 {
        data["aggregateRating"] = serde_json::json!({
            "@type": "AggregateRating",
            "ratingValue": format_rating(app.rating_avg),
            "ratingCount": app.rating_count,
            "bestRating": 5,
            "worstRating": 1,
        });
    }
    script_safe_json(&data)
}

/// JSON with `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026` (the same JSON to a
/// parser), so no text in it (`</script>`, `<!--` in an app's name) can end or change the
/// script element it sits in.
fn script_safe_json(value: &serde_json::Value) -> String {
    value.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::script_safe_json;

    #[test]
    fn json_ld_holds_no_markup_whatever_the_app_is_called() {
        let name = "<!--<script>Dino & Co</script>";
        let value = serde_json::json!({ "name": name, "description": "a > b" });
        let text = script_safe_json(&value);
        assert!(!text.contains(['<', '>', '&']), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], name, "the same data to a JSON parser");
    }
}
