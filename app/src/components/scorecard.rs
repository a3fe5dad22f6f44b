//! The parents' scorecard of an app page: the content grid, chat and the internet, the privacy
//! label, what it really costs, learning, Famigo's review, stores and accessibility, and what
//! changed. Every group of facts says where it came from and when it was last checked, and a
//! source that disagrees is shown beside the fact.

use crate::domain::{
    App, ContentKind, DataUse, FactChange, FactGroup, FactSource, Provenance, SourceConflict, MAX_RATING,
};
use leptos::prelude::*;

fn long_date(date: chrono::NaiveDate) -> String {
    date.format("%B %-d, %Y").to_string()
}

fn meter(label: &'static str, value: u8, high_is_good: bool, note: String) -> impl IntoView {
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
                {(!note.is_empty()).then(|| view! { <span class="meter-note">{note}</span> })}
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

/// "Source: Famigo's own test · checked October 3, 2026".
fn source_line(provenance: Provenance) -> impl IntoView {
    let checked = match provenance.checked {
        Some(day) => format!("checked {}", long_date(day)),
        None => "not checked yet".to_string(),
    };
    let source = match provenance.source {
        FactSource::Unknown => "Source unknown".to_string(),
        known => format!("Source: {}", known.label()),
    };
    view! { <p class="fact-source" data-source=provenance.source.slug()>{format!("{source} · {checked}")}</p> }
}

/// The disagreeing sources about facts of `group`.
fn conflicts_in(app: &App, group: FactGroup) -> impl IntoView {
    let facts = app.fact_list();
    let ours = app.facts.sources.of(group).source;
    let lines: Vec<(String, String, &SourceConflict)> = app
        .facts
        .conflicts
        .iter()
        .filter_map(|c| {
            let fact = facts.iter().find(|f| f.key == c.fact && f.group == group)?;
            Some((fact.label.clone(), fact.value.clone(), c))
        })
        .collect();
    (!lines.is_empty()).then(|| {
        view! {
            <div class="fact-conflicts" role="note">
                <p><strong>"Sources disagree"</strong></p>
                <ul>
                    {lines.into_iter().map(|(label, value, c)| {
                        let when = c.checked.map(|d| format!(" ({})", long_date(d))).unwrap_or_default();
                        let ours = if ours == FactSource::Unknown { "We list".to_string() } else { format!("{} says", ours.label()) };
                        view! { <li data-fact=c.fact.clone()>{format!("{label}: {ours} “{value}”; {}{when} says “{}”.", c.source.label(), c.says)}</li> }
                    }).collect_view()}
                </ul>
            </div>
        }
    })
}

#[component]
pub fn Scorecard(app: App, changes: Vec<FactChange>) -> impl IntoView {
    let f = &app.facts;
    let content_rows = ContentKind::ALL
        .iter()
        .map(|kind| {
            let score = f.content.get(*kind);
            meter(kind.label(), score.score, kind.is_positive(), score.note.clone())
        })
        .collect_view();
    let i = &f.interaction;
    let label = &f.privacy;
    let grouped = [
        (DataUse::Tracking, "Data used to track your child"),
        (DataUse::Linked, "Data linked to your child"),
        (DataUse::NotLinked, "Data not linked to your child"),
        (DataUse::NotCollected, "Data not collected"),
    ];
    let privacy_groups = grouped
        .into_iter()
        .filter_map(|(usage, heading)| {
            let types = label.types_with(Some(usage));
            (!types.is_empty()).then(|| {
                view! {
                    <div class=format!("privacy-group privacy-{}", usage.slug())>
                        <h4>{heading}</h4>
                        <p>{types.iter().map(|t| t.label()).collect::<Vec<_>>().join(", ")}</p>
                    </div>
                }
            })
        })
        .collect_view();
    let unchecked = label.types_with(None);
    let money = &f.money;
    let learning = &f.learning;
    let store = &f.store;
    view! {
        <section class="scorecard" aria-labelledby="scorecard-title">
            <h2 id="scorecard-title">"Parents' scorecard"</h2>
            <p class="money-line"><strong>"What it really costs: "</strong>{app.money_line()}</p>
            <div class="scorecard-cols">
                <div class="fact-group content-grid" data-group="content">
                    <h3>"Content"</h3>
                    <dl>{content_rows}</dl>
                    {source_line(f.sources.content)}
                    {conflicts_in(&app, FactGroup::Content)}
                </div>
                <div class="fact-group interaction" data-group="interaction">
                    <h3>"Chat and the internet"</h3>
                    <dl>
                        <div class="flag-row"><dt>"Chat"</dt><dd class=if i.chat == crate::domain::Chat::None { "flag-no" } else { "flag-yes" }>{i.chat.label()}</dd></div>
                        {flag("Players interact", i.users_interact)}
                        {flag("Shares location", i.shares_location)}
                        {flag("Unrestricted internet", i.unrestricted_internet)}
                        {flag("Content made by other users", i.user_content)}
                        <div class="flag-row"><dt>"Links out of the app"</dt><dd>{i.external_links.label()}</dd></div>
                        {flag("Needs an account", i.account_required)}
                    </dl>
                    {source_line(f.sources.interaction)}
                    {conflicts_in(&app, FactGroup::Interaction)}
                </div>
                <div class="fact-group privacy-label" data-group="privacy">
                    <h3>"Privacy label"</h3>
                    {privacy_groups}
                    {(!unchecked.is_empty()).then(|| view! {
                        <p class="privacy-unchecked">{format!("Not checked yet: {}", unchecked.iter().map(|t| t.label()).collect::<Vec<_>>().join(", "))}</p>
                    })}
                    <p>{if label.deletion_on_request { "Deletes a child's data on request." } else { "No promise to delete a child's data on request." }}</p>
                    {label.policy_url.clone().map(|url| view! { <p><a href=url rel="nofollow noopener" target="_blank">"Privacy policy"</a></p> })}
                    {source_line(f.sources.privacy)}
                    {conflicts_in(&app, FactGroup::Privacy)}
                </div>
                <div class="fact-group money" data-group="money">
                    <h3>"What it costs"</h3>
                    <dl>
                        <div class="flag-row"><dt>"Price model"</dt><dd>{money.model.label()}</dd></div>
                        {flag("Loot boxes", money.loot_boxes)}
                        <div class="flag-row"><dt>"Ads"</dt><dd class=if money.ads == crate::domain::Ads::None { "flag-no" } else { "flag-yes" }>{money.ads.label()}</dd></div>
                    </dl>
                    {source_line(f.sources.money)}
                    {conflicts_in(&app, FactGroup::Money)}
                </div>
                <div class="fact-group learning" data-group="learning">
                    <h3>"Learning"</h3>
                    <dl>{meter("Learning", app.learning_rating, true, String::new())}</dl>
                    {(!learning.subjects.is_empty()).then(|| view! {
                        <p class="subjects">{format!("Subjects: {}", learning.subjects.iter().map(|s| s.label()).collect::<Vec<_>>().join(", "))}</p>
                    })}
                    {(!learning.what_kids_learn.is_empty()).then(|| view! { <p>{learning.what_kids_learn.clone()}</p> })}
                </div>
                <div class="fact-group store" data-group="store">
                    <h3>"Where to get it"</h3>
                    <ul class="store-links">
                        {store.links().into_iter().map(|(name, url)| view! { <li><a href=url rel="nofollow noopener">{name}</a></li> }).collect_view()}
                    </ul>
                    <p>{if store.works_offline { "Works offline." } else { "Needs an internet connection." }}</p>
                    {(!store.languages.is_empty()).then(|| view! {
                        <p class="languages">{format!("Languages: {}", store.languages.iter().map(|l| l.label()).collect::<Vec<_>>().join(", "))}</p>
                    })}
                    <p class="accessibility">{if store.accessibility.is_empty() {
                        "Accessibility: none declared.".to_string()
                    } else {
                        format!("Accessibility: {}", store.accessibility.iter().map(|a| a.label()).collect::<Vec<_>>().join(", "))
                    }}</p>
                </div>
            </div>
        </section>
        {f.review.clone().map(|review| view! {
            <section class="our-review" aria-labelledby="our-review-title">
                <h2 id="our-review-title">"Famigo's review"</h2>
                <p class="verdict">{format!("Is it any good? {} / 5", review.verdict)}</p>
                <h3>"What parents need to know"</h3>
                <ul>{review.need_to_know.into_iter().map(|point| view! { <li>{point}</li> }).collect_view()}</ul>
                <p class="reviewed-by">{format!(
                    "Reviewed by {} on {}{}",
                    review.reviewer,
                    long_date(review.reviewed),
                    if review.version.is_empty() { String::new() } else { format!(", version {}", review.version) }
                )}</p>
            </section>
        })}
        <section class="fact-changes" aria-labelledby="changes-title">
            <h2 id="changes-title">"What changed"</h2>
            {if changes.is_empty() {
                view! { <p>"No changes recorded since Famigo first listed it."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {changes.into_iter().map(|c| view! {
                            <li data-fact=c.fact.clone()>
                                <time datetime=c.on.to_string()>{long_date(c.on)}</time>
                                {format!(": {} changed from “{}” to “{}” ({})", c.label, c.from, c.to, c.source.label().to_lowercase())}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
