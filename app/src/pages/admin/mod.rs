//! Administrator pages: sign-in, the job dashboard, and the apps.

mod apps;
mod jobs;
mod sign_in;

pub use apps::{AdminAppEditPage, AdminAppsPage};
pub use jobs::AdminJobsPage;
pub use sign_in::{AdminSignIn, AdminSignInPage};
