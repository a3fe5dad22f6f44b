use crate::domain::{AgeBand, CatalogQuery, Category, FacetCounts, Platform, PriceFilter};
use leptos::prelude::*;

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
                href: query.with(|q| set(q, (!selected).then_some(value))).href(),
            }
        })
        .collect()
}

/// A link that toggles one of the safety filters.
fn toggle_link(query: &CatalogQuery, label: &str, count: u64, flag: fn(&mut CatalogQuery) -> &mut bool) -> FacetLink {
    let mut probe = query.clone();
    let selected = *flag(&mut probe);
    FacetLink {
        label: label.to_string(),
        count,
        selected,
        href: query.with(|q| *flag(q) = !selected).href(),
    }
}

/// Each facet value with the number of apps it would give; a link that selects it (or, when
/// selected, removes it), so the panel works without JS.
#[component]
pub fn FacetPanel(query: CatalogQuery, facets: FacetCounts) -> impl IntoView {
    let q = &query;
    let age = value_links(q, &facets.age, q.age, AgeBand::label, |q, v| q.age = v);
    let platform = value_links(q, &facets.platform, q.platform, Platform::label, |q, v| q.platform = v);
    let category = value_links(q, &facets.category, q.category, Category::label, |q, v| q.category = v);
    let price = value_links(q, &facets.price, q.price, PriceFilter::label, |q, v| q.price = v);
    let safety = vec![
        toggle_link(q, "No ads", facets.no_ads, |q| &mut q.no_ads),
        toggle_link(q, "No in-app purchases", facets.no_in_app_purchases, |q| &mut q.no_in_app_purchases),
        toggle_link(q, "No data collection", facets.no_data_collection, |q| &mut q.no_data_collection),
    ];
    view! {
        <aside class="facet-panel" aria-label="Refine by">
            {group("Age", "age", age)}
            {group("Platform", "platform", platform)}
            {group("Category", "category", category)}
            {group("Price", "price", price)}
            {group("Safety", "safety", safety)}
        </aside>
    }
}

/// The filters in force, each removable with one click.
#[component]
pub fn ActiveFilters(query: CatalogQuery) -> impl IntoView {
    let q = &query;
    let mut chips: Vec<(String, String)> = Vec::new();
    if let Some(b) = q.age {
        chips.push((b.label().into(), q.with(|q| q.age = None).href()));
    }
    if let Some(p) = q.platform {
        chips.push((p.label().into(), q.with(|q| q.platform = None).href()));
    }
    if let Some(c) = q.category {
        chips.push((c.label().into(), q.with(|q| q.category = None).href()));
    }
    if let Some(p) = q.price {
        chips.push((p.label().into(), q.with(|q| q.price = None).href()));
    }
    if let Some(max) = q.max_price_text() {
        chips.push((format!("Up to ${max}"), q.with(|q| q.max_price_cents = None).href()));
    }
    if q.no_ads {
        chips.push(("No ads".into(), q.with(|q| q.no_ads = false).href()));
    }
    if q.no_in_app_purchases {
        chips.push(("No in-app purchases".into(), q.with(|q| q.no_in_app_purchases = false).href()));
    }
    if q.no_data_collection {
        chips.push(("No data collection".into(), q.with(|q| q.no_data_collection = false).href()));
    }
    if let Some(n) = q.min_learning {
        chips.push((format!("Learning {n}+"), q.with(|q| q.min_learning = None).href()));
    }
    if chips.is_empty() {
        return None;
    }
    let clear = CatalogQuery { sort: q.sort, ..Default::default() }.href();
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
