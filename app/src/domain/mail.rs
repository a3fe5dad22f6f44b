//! Mail the site sends (alerts now; digests and password resets later), as the outbox keeps it.

use serde::{Deserialize, Serialize};

/// Deliveries tried before a mail is left as `Failed` with its last error.
pub const MAIL_MAX_ATTEMPTS: u32 = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailState {
    /// Waiting for delivery (or kept, when no SMTP server is configured).
    Pending,
    Sent,
    /// Every attempt failed; the last error is kept.
    Failed,
}

impl MailState {
    pub fn slug(self) -> &'static str {
        match self {
            MailState::Pending => "pending",
            MailState::Sent => "sent",
            MailState::Failed => "failed",
        }
    }

    pub fn from_slug(slug: &str) -> Option<MailState> {
        [MailState::Pending, MailState::Sent, MailState::Failed].into_iter().find(|s| s.slug() == slug)
    }
}

/// A mail to put into the outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMail {
    /// What makes this mail unique (`alert:<node>:<what>:<time>`, `digest:<week>:<user>`):
    /// putting a mail whose key is already in the outbox does nothing, so a job that runs twice
    /// composes it once.
    pub key: String,
    pub to: String,
    pub subject: String,
    /// Plain text.
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub id: String,
    pub key: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub state: MailState,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub sent_at: Option<i64>,
}
