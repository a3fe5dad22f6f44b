//! Reusable views.

mod app_card;
mod facets;
mod layout;
mod pager;
mod scorecard;
mod seo;
mod status;

pub use app_card::{AppBadge, AppCard, AppGrid};
pub use facets::{ActiveFilters, FacetPanel};
pub use layout::{SiteFooter, SiteHeader};
pub use pager::Pager;
pub use scorecard::Scorecard;
pub use seo::{site_origin, Canonical};
pub use status::{set_http_status, ErrorPage, NotFound};
