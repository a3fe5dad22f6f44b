//! One file per route.

pub(crate) mod account;
pub mod admin;
mod app_detail;
mod browse;
mod compare;
mod home;
mod my_apps;
mod search;
mod unsubscribe;

pub use account::{AccountPage, ResetPasswordPage, SignInPage, SignInPrompt, SignUpPage};
pub use admin::{AdminAppEditPage, AdminAppsPage, AdminJobsPage, AdminMailPage, AdminReviewsPage, AdminSignInPage};
pub use app_detail::AppDetailPage;
pub use browse::BrowsePage;
pub use compare::ComparePage;
pub use home::HomePage;
pub use my_apps::MyAppsPage;
pub use search::SearchResultsPage;
pub use unsubscribe::UnsubscribePage;
