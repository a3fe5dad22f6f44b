//! What a catalog listing returns: one page of apps, the total, and facet counts.

use super::app::{AgeBand, App, Category, Platform};
use super::query::{CatalogQuery, Facet, PriceFilter};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppPage {
    pub apps: Vec<App>,
    /// Apps matching every filter, over all pages.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub facets: FacetCounts,
}

impl AppPage {
    pub fn page_count(&self) -> u32 {
        (self.total.div_ceil(self.per_page.max(1) as u64)).min(u32::MAX as u64) as u32
    }
}

/// For each value of a facet: how many apps match the other filters and have that value —
/// what the list would hold if the parent picked it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCounts {
    pub age: Vec<(AgeBand, u64)>,
    pub platform: Vec<(Platform, u64)>,
    pub category: Vec<(Category, u64)>,
    pub price: Vec<(PriceFilter, u64)>,
    pub no_ads: u64,
    pub no_in_app_purchases: u64,
    pub no_data_collection: u64,
}

impl FacetCounts {
    /// All values present with a count of zero, in display order.
    pub fn zeroed() -> Self {
        FacetCounts {
            age: AgeBand::ALL.iter().map(|&b| (b, 0)).collect(),
            platform: Platform::ALL.iter().map(|&p| (p, 0)).collect(),
            category: Category::ALL.iter().map(|&c| (c, 0)).collect(),
            price: PriceFilter::ALL.iter().map(|&p| (p, 0)).collect(),
            no_ads: 0,
            no_in_app_purchases: 0,
            no_data_collection: 0,
        }
    }

    /// Adds one app to the counts. The reference definition of facet counting: stores may
    /// compute it any way they like but must agree with this.
    pub fn add(&mut self, query: &CatalogQuery, app: &App) {
        let open = |facet| query.matches_except(app, Some(facet));
        if open(Facet::Age) {
            bump(&mut self.age, app.age_band());
        }
        if open(Facet::Platform) {
            for &p in &app.platforms {
                bump(&mut self.platform, p);
            }
        }
        if open(Facet::Category) {
            for &c in &app.categories {
                bump(&mut self.category, c);
            }
        }
        if open(Facet::Price) {
            bump(&mut self.price, if app.is_free() { PriceFilter::Free } else { PriceFilter::Paid });
        }
        if !app.privacy.ads && open(Facet::NoAds) {
            self.no_ads += 1;
        }
        if !app.privacy.in_app_purchases && open(Facet::NoInAppPurchases) {
            self.no_in_app_purchases += 1;
        }
        if !app.privacy.collects_data && open(Facet::NoDataCollection) {
            self.no_data_collection += 1;
        }
    }

    pub fn count_of<T: PartialEq + Copy>(values: &[(T, u64)], value: T) -> u64 {
        values.iter().find(|(v, _)| *v == value).map_or(0, |(_, n)| *n)
    }
}

fn bump<T: PartialEq>(counts: &mut [(T, u64)], value: T) {
    if let Some(entry) = counts.iter_mut().find(|(v, _)| *v == value) {
        entry.1 += 1;
    }
}

/// The home page: picks per age band, top rated and newest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HomeShelves {
    pub by_age: Vec<(AgeBand, Vec<App>)>,
    pub top_rated: Vec<App>,
    pub newest: Vec<App>,
    pub total_apps: u64,
}

/// One app and the apps a parent who likes it might also consider.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppDetail {
    pub app: App,
    pub similar: Vec<App>,
}
