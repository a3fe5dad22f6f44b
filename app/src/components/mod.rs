//! Reusable views.

mod app_card;
mod app_image;
mod facets;
mod favorite;
mod layout;
mod pager;
mod reviews;
mod scorecard;
mod search_box;
mod seo;
mod status;
mod textarea;

pub use app_card::{AppCard, AppGrid};
pub use app_image::{image_src, AppBadge, AssetRoot, Screenshots};
pub use facets::{listing_href, ActiveFilters, FacetPanel};
pub use favorite::FavoriteButton;
pub use layout::{SiteFooter, SiteHeader};
pub use pager::Pager;
pub use reviews::{ReviewResources, ReviewsSection};
pub use scorecard::Scorecard;
pub use search_box::SearchBox;
pub use seo::{site_origin, Canonical, SocialMeta};
pub use status::{set_http_status, ErrorPage, NotFound};
pub use textarea::textarea_text;
