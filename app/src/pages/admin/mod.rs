//! Administrator pages: sign-in, the job dashboard, the apps and the mail outbox.

mod apps;
mod jobs;
mod mail;
mod sign_in;

pub use apps::{AdminAppEditPage, AdminAppsPage};
pub use jobs::AdminJobsPage;
pub use mail::AdminMailPage;
pub use sign_in::{admin_refusal, AdminSignIn, AdminSignInPage};
