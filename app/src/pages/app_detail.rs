use crate::api::catalog::get_app;
use crate::components::{
    image_src, site_origin, AppBadge, AppCard, AppGrid, Canonical, ErrorPage, FavoriteButton, ReviewResources,
    ReviewsSection, Scorecard, Screenshots, SocialMeta,
};
use crate::domain::{compare_href, format_rating, AgeBand, Alternative, App, AppDetail, CatalogQuery};
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
    let AppDetail { app, similar, changes, alternatives } = detail;
    let band = app.age_band();
    let title = format!("{} — for ages {}+", app.name, app.min_age);
    let worst_risk = app.facts.worst_risk();
    let summary: String = app.description.chars().take(155).collect();
    let band_href = CatalogQuery { age: Some(band), ..Default::default() }.href();
    let categories = app.categories.clone();
    let platforms = app.platforms.iter().map(|p| p.label()).collect::<Vec<_>>().join(", ");
    let origin = site_origin();
    let page_url = format!("{origin}/apps/{}", app.slug);
    let absolute = |image: &crate::domain::Image| match image_src(image) {
        src if src.starts_with("http") => src,
        src => format!("{origin}{src}"),
    };
    let images = &app.facts.store.images;
    let image = images.icon.as_ref().map_or_else(|| format!("{origin}/apps/{}/icon.svg", app.slug), absolute);
    let screenshots: Vec<String> = images.screenshots.iter().map(absolute).collect();
    let json_ld = structured_data(&app, &page_url, &image, &screenshots);
    let compare_with = alternatives
        .first()
        .map(|a| &a.app)
        .or(similar.first())
        .map(|other| (compare_href(&[app.slug.clone(), other.slug.clone()]), other.name.clone()));
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
                <AppBadge name=app.name.clone() slug=app.slug.clone() icon=app.facts.store.images.icon.clone() large=true/>
                <div>
                    <div class="app-title">
                        <h1>{app.name.clone()}</h1>
                        <FavoriteButton slug=app.slug.clone() name=app.name.clone()/>
                    </div>
                    <p class="app-dev">"by "{app.developer.clone()}</p>
                    <p class="app-facts">
                        <span class="age-pill age-pill-large">{app.age_label()}</span>
                        <span class="price">{app.price_label()}</span>
                        <span class="stars">{format!("★ {} ({} {})", format_rating(app.rating_avg), app.rating_count, if app.rating_count == 1 { "rating" } else { "ratings" })}</span>
                        <span class="learning">{format!("Learning {}/5", app.learning_rating)}</span>
                    </p>
                    <p class="app-platforms">"Available on: "{platforms}</p>
                    {compare_with.map(|(href, name)| view! {
                        <p class="compare-with"><a href=href>{format!("Compare side by side with {name}")}</a></p>
                    })}
                    {worst_risk.map(|risk| view! { <p class="risk-pill">{format!("Watch for: {risk}")}</p> })}
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
            <Screenshots name=app.name.clone() screenshots=app.facts.store.images.screenshots.clone()/>
            <Scorecard app=app.clone() changes/>
            <ReviewsSection slug=app.slug.clone() name=app.name.clone() reviews/>
        </article>
        <SaferAlternatives slug=app.slug.clone() has_risk=crate::domain::has_any_risk(&app) band=band alternatives/>
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

/// "Same idea, fewer risks": each card says what it does better, with a link comparing it
/// side by side with this app.
#[component]
fn SaferAlternatives(slug: String, has_risk: bool, band: AgeBand, alternatives: Vec<Alternative>) -> impl IntoView {
    let empty = if !has_risk {
        "This app has none of the four risks we compare: ads, in-app purchases, tracking and chat."
    } else {
        "No other app in its categories and age band does better on ads, purchases, tracking or chat without doing worse on another."
    };
    view! {
        <section class="shelf alternatives" id="alternatives">
            <h2>"Same idea, fewer risks"</h2>
            {if alternatives.is_empty() {
                view! { <p>{empty}</p> }.into_any()
            } else {
                view! {
                    <p class="shelf-note">{format!("{}, sharing a category with this app, better on at least one risk and worse on none.", band.label())}</p>
                    <ul class="app-grid" aria-label="Safer alternatives">
                        {alternatives
                            .into_iter()
                            .map(|Alternative { app, better }| {
                                let compare = compare_href(&[slug.clone(), app.slug.clone()]);
                                view! { <AppCard app better compare/> }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

/// schema.org `SoftwareApplication` for the app, as JSON-LD, safe inside a script element
/// (`script_safe_json`).
fn structured_data(app: &App, url: &str, image: &str, screenshots: &[String]) -> String {
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
        "contentRating": app.age_label(),
        "offers": offers(app),
        "isAccessibleForFree": app.price_cents == 0 && app.facts.money.model != crate::domain::PriceModel::Subscription,
    });
    if !screenshots.is_empty() {
        data["screenshot"] = serde_json::json!(screenshots);
    }
    let store = &app.facts.store;
    if !store.languages.is_empty() {
        data["inLanguage"] = store.languages.iter().map(|l| l.slug()).collect::<Vec<_>>().into();
    }
    if !store.accessibility.is_empty() {
        data["accessibilityFeature"] =
            store.accessibility.iter().map(|a| schema_accessibility(*a)).collect::<Vec<_>>().into();
    }
    if let Some(review) = &app.facts.review {
        data["review"] = serde_json::json!({
            "@type": "Review",
            "author": { "@type": "Organization", "name": "Famigo" },
            "datePublished": review.reviewed.format("%Y-%m-%d").to_string(),
            "reviewRating": { "@type": "Rating", "ratingValue": review.verdict, "bestRating": 5, "worstRating": 1 },
        });
    }
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

/// The price to download, with the monthly price of a subscription as its price specification.
fn offers(app: &App) -> serde_json::Value {
    let price = |cents: u32| format!("{}.{:02}", cents / 100, cents % 100);
    let mut offer = serde_json::json!({ "@type": "Offer", "price": price(app.price_cents), "priceCurrency": "USD" });
    if let Some(monthly) = app.facts.money.subscription_cents {
        offer["priceSpecification"] = serde_json::json!({
            "@type": "UnitPriceSpecification",
            "price": price(monthly),
            "priceCurrency": "USD",
            "billingDuration": "P1M",
        });
    }
    offer
}

/// schema.org's `accessibilityFeature` vocabulary for Apple's labels.
fn schema_accessibility(feature: crate::domain::Accessibility) -> &'static str {
    use crate::domain::Accessibility::*;
    match feature {
        VoiceOver => "screenReaderSupport",
        VoiceControl => "voiceControl",
        LargerText => "largePrint",
        DarkInterface => "darkMode",
        DifferentiateWithoutColor => "colorIndependence",
        SufficientContrast => "highContrastDisplay",
        ReducedMotion => "reducedMotion",
        Captions => "captions",
        AudioDescriptions => "audioDescription",
    }
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
