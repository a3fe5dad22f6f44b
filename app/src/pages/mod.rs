//! One file per route.

mod app_detail;
mod browse;
mod home;

pub use app_detail::AppDetailPage;
pub use browse::BrowsePage;
pub use home::HomePage;
