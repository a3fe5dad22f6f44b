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

/// `body` with the value of every `token=` in it replaced by `(hidden)`: a reset or unsubscribe
/// link acts for its account, so whoever reads the outbox (an administrator, on `/admin/mail`)
/// must not be able to follow it.
pub fn hide_link_tokens(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find("token=") {
        let value_start = at + "token=".len();
        out.push_str(&rest[..value_start]);
        let after = &rest[value_start..];
        let value_len =
            after.find(|c: char| c.is_whitespace() || c == '&' || c == '"' || c == '>').unwrap_or(after.len());
        if value_len > 0 {
            out.push_str("(hidden)");
        }
        rest = &after[value_len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::hide_link_tokens;

    #[test]
    fn link_tokens_are_hidden_and_the_rest_kept() {
        let body = "Choose one here:\n\nhttps://famigo.example/reset-password?token=9f2a7c\n\nThanks";
        assert_eq!(
            hide_link_tokens(body),
            "Choose one here:\n\nhttps://famigo.example/reset-password?token=(hidden)\n\nThanks"
        );
        assert_eq!(
            hide_link_tokens("/unsubscribe?user=01J&token=abc&x=1 and token=def"),
            "/unsubscribe?user=01J&token=(hidden)&x=1 and token=(hidden)"
        );
        assert_eq!(hide_link_tokens("no links here; token= nothing"), "no links here; token= nothing");
    }
}
