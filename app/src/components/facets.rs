use crate::domain::{
    Accessibility, AgeBand, CatalogQuery, Category, ChatLimit, FacetCounts, Language, Platform, PriceFilter,
    SafetyCheck, SearchQuery, Subject,
};
use leptos::prelude::*;

/// Where a listing's links lead: the browse page, or (given the search) the same search with
/// other filters.
pub fn listing_href(search: &Option<SearchQuery>, filters: CatalogQuery) -> String {
    match search {
        Some(search) => SearchQuery { filters, ..search.clone() }.href(),
        None => filters.href(),
    }
}

struct FacetLink {
    label: String,
    count: u64,
    href: String,
    selected: bool,
}

fn group(title: &'static str, key: &'static str, links: Vec<FacetLink>) -> impl IntoView {
    view! {
        <div class="facet-group" data-facet=key>
            <h3>{title}</h3>
            <ul>
                {links
                    .into_iter()
                    .map(|l| {
                        let empty = l.count == 0 && !l.selected;
                        view! {
                            <li class:selected=l.selected class:empty=empty>
                                <a href=l.href aria-current=l.selected.then_some("true")>
                                    <span class="facet-label">{l.label}</span>
                                    <span class="facet-count">{l.count}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

/// Links for the values of a single-choice facet: each selects its value, or, when already
/// selected, clears the facet.
fn value_links<T: Copy + PartialEq>(
    href: &dyn Fn(CatalogQuery) -> String,
    query: &CatalogQuery,
    counts: &[(T, u64)],
    current: Option<T>,
    label: fn(T) -> &'static str,
    set: fn(&mut CatalogQuery, Option<T>),
) -> Vec<FacetLink> {
    counts
        .iter()
        .map(|&(value, count)| {
            let selected = current == Some(value);
            FacetLink {
                label: label(value).to_string(),
                count,
                selected,
                href: href(query.with(|q| set(q, (!selected).then_some(value)))),
            }
        })
        .collect()
}

/// A link that toggles one of the safety filters.
fn toggle_link(
    href: &dyn Fn(CatalogQuery) -> String,
    query: &CatalogQuery,
    label: &str,
    count: u64,
    flag: fn(&mut CatalogQuery) -> &mut bool,
) -> FacetLink {
    let mut probe = query.clone();
    let selected = *flag(&mut probe);
    FacetLink { label: label.to_string(), count, selected, href: href(query.with(|q| *flag(q) = !selected)) }
}

/// Each facet value with the number of apps it would give; a link that selects it (or, when
/// selected, removes it), so the panel works without JS.
#[component]
pub fn FacetPanel(
    query: CatalogQuery,
    facets: FacetCounts,
    #[prop(optional)] search: Option<SearchQuery>,
) -> impl IntoView {
    let q = &query;
    let h = &|filters| listing_href(&search, filters);
    let age = value_links(h, q, &facets.age, q.age, AgeBand::label, |q, v| q.age = v);
    let platform = value_links(h, q, &facets.platform, q.platform, Platform::label, |q, v| q.platform = v);
    let category = value_links(h, q, &facets.category, q.category, Category::label, |q, v| q.category = v);
    let price = value_links(h, q, &facets.price, q.price, PriceFilter::label, |q, v| q.price = v);
    let safety = vec![
        toggle_link(h, q, "No ads", facets.no_ads, |q| &mut q.no_ads),
        toggle_link(h, q, "No in-app purchases", facets.no_in_app_purchases, |q| &mut q.no_in_app_purchases),
        toggle_link(h, q, "No data collection", facets.no_data_collection, |q| &mut q.no_data_collection),
    ];
    let checks: Vec<FacetLink> = facets
        .checks
        .iter()
        .map(|&(check, count)| {
            let selected = q.requires(check);
            FacetLink { label: check.label().into(), count, selected, href: h(q.with_check(check, !selected)) }
        })
        .collect();
    let safety = safety.into_iter().chain(checks).collect();
    let chat = value_links(h, q, &facets.chat, q.chat, ChatLimit::label, |q, v| q.chat = v);
    let language = value_links(h, q, &facets.language, q.language, Language::label, |q, v| q.language = v);
    let accessibility =
        value_links(h, q, &facets.accessibility, q.accessibility, Accessibility::label, |q, v| q.accessibility = v);
    let subject = value_links(h, q, &facets.subject, q.subject, Subject::label, |q, v| q.subject = v);
    view! {
        <aside class="facet-panel" aria-label="Refine by">
            {group("Age", "age", age)}
            {group("Platform", "platform", platform)}
            {group("Category", "category", category)}
            {group("Price", "price", price)}
            {group("Safety", "safety", safety)}
            {group("Chat", "chat", chat)}
            {group("Subject", "subject", subject)}
            {group("Language", "language", language)}
            {group("Accessibility", "accessibility", accessibility)}
        </aside>
    }
}

/// The filters in force, each removable with one click.
#[component]
pub fn ActiveFilters(query: CatalogQuery, #[prop(optional)] search: Option<SearchQuery>) -> impl IntoView {
    let q = &query;
    let href = |filters| listing_href(&search, filters);
    let mut chips: Vec<(String, String)> = Vec::new();
    if let Some(b) = q.age {
        chips.push((b.label().into(), href(q.with(|q| q.age = None))));
    }
    if let Some(p) = q.platform {
        chips.push((p.label().into(), href(q.with(|q| q.platform = None))));
    }
    if let Some(c) = q.category {
        chips.push((c.label().into(), href(q.with(|q| q.category = None))));
    }
    if let Some(p) = q.price {
        chips.push((p.label().into(), href(q.with(|q| q.price = None))));
    }
    if let Some(max) = q.max_price_text() {
        chips.push((format!("Up to ${max}"), href(q.with(|q| q.max_price_cents = None))));
    }
    if q.no_ads {
        chips.push(("No ads".into(), href(q.with(|q| q.no_ads = false))));
    }
    if q.no_in_app_purchases {
        chips.push(("No in-app purchases".into(), href(q.with(|q| q.no_in_app_purchases = false))));
    }
    if q.no_data_collection {
        chips.push(("No data collection".into(), href(q.with(|q| q.no_data_collection = false))));
    }
    if let Some(n) = q.min_learning {
        chips.push((format!("Learning {n}+"), href(q.with(|q| q.min_learning = None))));
    }
    if let Some(chat) = q.chat {
        chips.push((chat.label().into(), href(q.with(|q| q.chat = None))));
    }
    for check in SafetyCheck::from_mask(q.checks) {
        chips.push((check.label().into(), href(q.with_check(check, false))));
    }
    if let Some(l) = q.language {
        chips.push((format!("In {}", l.label()), href(q.with(|q| q.language = None))));
    }
    if let Some(a) = q.accessibility {
        chips.push((a.label().into(), href(q.with(|q| q.accessibility = None))));
    }
    if let Some(s) = q.subject {
        chips.push((s.label().into(), href(q.with(|q| q.subject = None))));
    }
    if chips.is_empty() {
        return None;
    }
    let clear = href(CatalogQuery { sort: q.sort, ..Default::default() });
    Some(view! {
        <div class="active-filters" aria-label="Active filters">
            {chips
                .into_iter()
                .map(|(label, href)| {
                    let aria = format!("Remove filter {label}");
                    view! {
                        <a class="chip" href=href aria-label=aria>
                            {label}<span aria-hidden="true">" ×"</span>
                        </a>
                    }
                })
                .collect_view()}
            <a class="chip chip-clear" href=clear>"Clear all"</a>
        </div>
    })
}
