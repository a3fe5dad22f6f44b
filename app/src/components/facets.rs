use crate::domain::{format_price, CatalogQuery, FacetCounts};
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

/// Each facet value with the number of apps it would give; a link that selects it (or, when
/// selected, removes it), so the panel works without JS.
#[component]
pub fn FacetPanel(query: CatalogQuery, facets: FacetCounts) -> impl IntoView {
    let q = &query;
    let age = facets
        .age
        .iter()
        .map(|&(band, count)| {
            let selected = q.age == Some(band);
            FacetLink {
                label: band.label().to_string(),
                count,
                selected,
                href: q.with(|q| q.age = (!selected).then_some(band)).href(),
            }
        })
        .collect();
    let platform = facets
        .platform
        .iter()
        .map(|&(p, count)| {
            let selected = q.platform == Some(p);
            FacetLink {
                label: p.label().to_string(),
                count,
                selected,
                href: q.with(|q| q.platform = (!selected).then_some(p)).href(),
            }
        })
        .collect();
    let category = facets
        .category
        .iter()
        .map(|&(c, count)| {
            let selected = q.category == Some(c);
            FacetLink {
                label: c.label().to_string(),
                count,
                selected,
                href: q.with(|q| q.category = (!selected).then_some(c)).href(),
            }
        })
        .collect();
    let price = facets
        .price
        .iter()
        .map(|&(p, count)| {
            let selected = q.price == Some(p);
            FacetLink {
                label: p.label().to_string(),
                count,
                selected,
                href: q.with(|q| q.price = (!selected).then_some(p)).href(),
            }
        })
        .collect();
    let safety = vec![
        FacetLink {
            label: "No ads".into(),
            count: facets.no_ads,
            selected: q.no_ads,
            href: q.with(|q| q.no_ads = !q.no_ads).href(),
        },
        FacetLink {
            label: "No in-app purchases".into(),
            count: facets.no_in_app_purchases,
            selected: q.no_in_app_purchases,
            href: q.with(|q| q.no_in_app_purchases = !q.no_in_app_purchases).href(),
        },
        FacetLink {
            label: "No data collection".into(),
            count: facets.no_data_collection,
            selected: q.no_data_collection,
            href: q.with(|q| q.no_data_collection = !q.no_data_collection).href(),
        },
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
    if let Some(m) = q.max_price_cents {
        chips.push((format!("Up to {}", format_price(m)), q.with(|q| q.max_price_cents = None).href()));
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
