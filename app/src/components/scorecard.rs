use crate::domain::{App, MAX_RATING};
use leptos::prelude::*;

fn meter(label: &'static str, value: u8, high_is_good: bool) -> impl IntoView {
    let level = if high_is_good { value } else { MAX_RATING - value.min(MAX_RATING) };
    let tone = match level {
        0..=1 => "tone-low",
        2..=3 => "tone-mid",
        _ => "tone-high",
    };
    view! {
        <div class="meter-row">
            <dt>{label}</dt>
            <dd>
                <meter min="0" max="5" value=value.to_string() class=tone>{format!("{value}/5")}</meter>
                <span class="meter-value">{format!("{value} / 5")}</span>
            </dd>
        </div>
    }
}

fn flag(label: &'static str, present: bool) -> impl IntoView {
    view! {
        <div class="flag-row">
            <dt>{label}</dt>
            <dd class=if present { "flag-yes" } else { "flag-no" }>{if present { "Yes" } else { "No" }}</dd>
        </div>
    }
}

/// What the app does to a child: learning, content and privacy, at a glance.
#[component]
pub fn Scorecard(app: App) -> impl IntoView {
    let c = app.content;
    let p = app.privacy;
    view! {
        <section class="scorecard" aria-labelledby="scorecard-title">
            <h2 id="scorecard-title">"Parents' scorecard"</h2>
            <div class="scorecard-cols">
                <div>
                    <h3>"Learning and content"</h3>
                    <dl>
                        {meter("Learning", app.learning_rating, true)}
                        {meter("Violence", c.violence, false)}
                        {meter("Scary moments", c.scariness, false)}
                        {meter("Language", c.language, false)}
                        {meter("Consumerism", c.consumerism, false)}
                    </dl>
                </div>
                <div>
                    <h3>"Privacy and safety"</h3>
                    <dl>
                        {flag("Ads", p.ads)}
                        {flag("In-app purchases", p.in_app_purchases)}
                        {flag("Collects personal data", p.collects_data)}
                        {flag("Open chat with strangers", p.open_chat)}
                    </dl>
                </div>
            </div>
        </section>
    }
}
