//! The app form's fact fieldsets: content grid, interaction, privacy label, money, learning,
//! Famigo's review, store facts, and each group's source with a "verified today" button.

use crate::domain::{
    Accessibility, Ads, AppForm, Chat, ContentKind, DataType, DataUse, FactGroup, FactSource, FieldError, Language,
    LinkGate, PriceModel, Subject, INTERACTION_FLAGS,
};
use leptos::prelude::*;
use std::sync::Arc;

/// Shows a field's error and marks its input; shared by every fieldset of the form.
#[derive(Clone)]
pub struct FieldProblems(pub Arc<Vec<FieldError>>);

impl FieldProblems {
    pub fn message(&self, field: &str) -> Option<String> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    pub fn invalid(&self, field: &str) -> Option<&'static str> {
        self.message(field).map(|_| "true")
    }

    pub fn show(&self, field: &str) -> impl IntoView {
        let field = field.to_string();
        self.message(&field)
            .map(|message| view! { <p class="field-error" id=format!("error-{field}") role="alert">{message}</p> })
    }
}

fn text_input(id: String, name: String, value: String, label: String, field: &str, p: &FieldProblems) -> impl IntoView {
    view! {
        <label for=id.clone()>{label}</label>
        <input id=id name=name value=value aria-invalid=p.invalid(field)/>
        {p.show(field)}
    }
}

fn choose(
    id: String,
    name: String,
    label: String,
    options: Vec<(&'static str, &'static str)>,
    current: &str,
    field: &str,
    p: &FieldProblems,
) -> impl IntoView {
    let current = current.to_string();
    view! {
        <label for=id.clone()>{label}</label>
        <select id=id name=name aria-invalid=p.invalid(field)>
            {options
                .into_iter()
                .map(|(slug, text)| view! { <option value=slug selected=current == slug>{text}</option> })
                .collect_view()}
        </select>
        {p.show(field)}
    }
}

fn ticks(
    legend: &'static str,
    name: &'static str,
    options: Vec<(&'static str, &'static str)>,
    ticked: &[String],
    p: &FieldProblems,
) -> impl IntoView {
    let field = name.to_string();
    view! {
        <fieldset aria-invalid=p.invalid(&field)>
            <legend>{legend}</legend>
            {options
                .into_iter()
                .map(|(slug, text)| {
                    let on = ticked.iter().any(|s| s == slug);
                    view! { <label class="check"><input type="checkbox" name=format!("form[{name}][]") value=slug checked=on/>{text}</label> }
                })
                .collect_view()}
        </fieldset>
        {p.show(&field)}
    }
}

fn checkbox(name: &'static str, label: &'static str, on: bool) -> impl IntoView {
    view! { <label class="check"><input type="checkbox" name=format!("form[{name}]") checked=on/>{label}</label> }
}

macro_rules! options {
    ($enum:ty) => {
        <$enum>::ALL.iter().map(|v| (v.slug(), v.label())).collect::<Vec<_>>()
    };
}

/// Where a group's facts come from, when they were last checked, and the button that marks
/// them checked today.
fn provenance(group: FactGroup, form: &AppForm, p: &FieldProblems) -> impl IntoView {
    let g = group.slug();
    view! {
        <div class="provenance">
            {choose(format!("app-source-{g}"), format!("form[sources][{g}]"), "Source".into(), options!(FactSource), form.source(group), &format!("source-{g}"), p)}
            <label for=format!("app-checked-{g}")>"Last checked"</label>
            <input id=format!("app-checked-{g}") type="date" name=format!("form[checked][{g}]") value=form.checked_on(group).to_string() aria-invalid=p.invalid(&format!("checked-{g}"))/>
            {p.show(&format!("checked-{g}"))}
            <button type="submit" name="form[verified]" value=g class="verify">"Verified today"</button>
        </div>
    }
}

#[component]
pub fn FactFields(form: AppForm, problems: FieldProblems) -> impl IntoView {
    let p = &problems;
    let data_uses: Vec<(&'static str, &'static str)> =
        std::iter::once(("", "Not checked yet")).chain(DataUse::ALL.iter().map(|u| (u.slug(), u.label()))).collect();
    let interaction_ticked: Vec<String> = form.interaction.clone();
    view! {
        <fieldset class="facts">
            <legend>"Content, 0 (none) to 5 (a lot), with a one-line note"</legend>
            {ContentKind::ALL.iter().map(|kind| {
                let k = kind.slug();
                view! {
                    <div class="content-row">
                        {text_input(format!("app-{k}"), format!("form[scores][{k}]"), form.score(*kind).to_string(), kind.label().to_string(), k, p)}
                        {text_input(format!("app-{k}-note"), format!("form[notes][{k}]"), form.note(*kind).to_string(), format!("{} note", kind.label()), &format!("{k}-note"), p)}
                    </div>
                }
            }).collect_view()}
            {provenance(FactGroup::Content, &form, p)}
        </fieldset>
        <fieldset class="facts">
            <legend>"Chat and the internet"</legend>
            {choose("app-chat".into(), "form[chat]".into(), "Chat".into(), options!(Chat), &form.chat, "chat", p)}
            {choose("app-external-links".into(), "form[external_links]".into(), "Links out of the app".into(), options!(LinkGate), &form.external_links, "external_links", p)}
            {ticks("Interactive elements", "interaction", INTERACTION_FLAGS.to_vec(), &interaction_ticked, p)}
            {provenance(FactGroup::Interaction, &form, p)}
        </fieldset>
        <fieldset class="facts">
            <legend>"Privacy label"</legend>
            {DataType::ALL.iter().map(|data| {
                let d = data.slug();
                choose(format!("app-data-{d}"), format!("form[data][{d}]"), data.label().into(), data_uses.clone(), form.data_use(*data), &format!("data-{d}"), p)
            }).collect_view()}
            {text_input("app-policy-url".into(), "form[policy_url]".into(), form.policy_url.clone(), "Privacy policy (https://…)".into(), "policy_url", p)}
            {checkbox("deletion_on_request", "Deletes a child's data on request", form.deletion_on_request.is_some())}
            {provenance(FactGroup::Privacy, &form, p)}
        </fieldset>
        <fieldset class="facts">
            <legend>"What it costs"</legend>
            {choose("app-model".into(), "form[model]".into(), "Price model".into(), options!(PriceModel), &form.model, "model", p)}
            {text_input("app-subscription".into(), "form[subscription]".into(), form.subscription.clone(), "Subscription, dollars a month".into(), "subscription", p)}
            {checkbox("purchases", "Sells in-app purchases", form.purchases.is_some())}
            {text_input("app-purchases-low".into(), "form[purchases_low]".into(), form.purchases_low.clone(), "Cheapest in-app purchase, dollars".into(), "purchases_low", p)}
            {text_input("app-purchases-high".into(), "form[purchases_high]".into(), form.purchases_high.clone(), "Dearest in-app purchase, dollars".into(), "purchases_high", p)}
            {p.show("purchases")}
            {checkbox("loot_boxes", "Loot boxes (purchases with random contents)", form.loot_boxes.is_some())}
            {choose("app-ads".into(), "form[ads]".into(), "Ads".into(), options!(Ads), &form.ads, "ads", p)}
            {provenance(FactGroup::Money, &form, p)}
        </fieldset>
        <fieldset class="facts">
            <legend>"Learning"</legend>
            {ticks("Subjects and skills", "subjects", options!(Subject), &form.subjects, p)}
            <label for="app-what-kids-learn">"What kids can learn"</label>
            <textarea id="app-what-kids-learn" name="form[what_kids_learn]" rows="3" aria-invalid=p.invalid("what_kids_learn")>{crate::components::textarea_text(form.what_kids_learn.clone())}</textarea>
            {p.show("what_kids_learn")}
        </fieldset>
        <fieldset class="facts">
            <legend>"Famigo's review (leave the verdict empty for none)"</legend>
            {text_input("app-verdict".into(), "form[verdict]".into(), form.verdict.clone(), "Is it any good? 1–5".into(), "verdict", p)}
            <label for="app-need-to-know">"What parents need to know (3–6 points, one per line)"</label>
            <textarea id="app-need-to-know" name="form[need_to_know]" rows="5" aria-invalid=p.invalid("need_to_know")>{crate::components::textarea_text(form.need_to_know.clone())}</textarea>
            {p.show("need_to_know")}
            {text_input("app-reviewer".into(), "form[reviewer]".into(), form.reviewer.clone(), "Reviewer".into(), "reviewer", p)}
            <label for="app-reviewed">"Reviewed on"</label>
            <input id="app-reviewed" type="date" name="form[reviewed]" value=form.reviewed.clone() aria-invalid=p.invalid("reviewed")/>
            {p.show("reviewed")}
            {text_input("app-version".into(), "form[version]".into(), form.version.clone(), "Version reviewed".into(), "version", p)}
        </fieldset>
        <fieldset class="facts">
            <legend>"Stores, languages and accessibility"</legend>
            {text_input("app-app-store".into(), "form[app_store]".into(), form.app_store.clone(), "App Store id (digits)".into(), "app_store", p)}
            {text_input("app-google-play".into(), "form[google_play]".into(), form.google_play.clone(), "Google Play id (com.example.app)".into(), "google_play", p)}
            {text_input("app-amazon".into(), "form[amazon]".into(), form.amazon.clone(), "Amazon ASIN".into(), "amazon", p)}
            {text_input("app-website".into(), "form[website]".into(), form.website.clone(), "Website (https://…)".into(), "website", p)}
            {ticks("Languages", "languages", options!(Language), &form.languages, p)}
            {ticks("Accessibility", "accessibility", options!(Accessibility), &form.accessibility, p)}
            {checkbox("works_offline", "Works offline", form.works_offline.is_some())}
        </fieldset>
        <label for="app-conflicts">"Sources that disagree, one per line: fact | source | what it says | YYYY-MM-DD"</label>
        <textarea id="app-conflicts" name="form[conflicts]" rows="3" aria-invalid=p.invalid("conflicts")>{crate::components::textarea_text(form.conflicts.clone())}</textarea>
        {p.show("conflicts")}
    }
}
