//! Administrator pages: sign-in, the job dashboard, the apps, the mail outbox and review moderation.

mod apps;
mod fact_fields;
mod image_fields;
mod jobs;
mod mail;
mod reviews;
mod sign_in;

pub use apps::{AdminAppEditPage, AdminAppsPage};
pub use jobs::AdminJobsPage;
pub use mail::AdminMailPage;
pub use reviews::AdminReviewsPage;
pub use sign_in::{admin_refusal, AdminSignIn, AdminSignInPage};
