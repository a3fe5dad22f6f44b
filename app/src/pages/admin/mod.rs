//! Administrator pages: sign-in and the job dashboard.

mod jobs;
mod sign_in;

pub use jobs::AdminJobsPage;
pub use sign_in::{AdminSignIn, AdminSignInPage};
