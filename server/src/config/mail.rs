//! `SMTP_URL`, `MAIL_FROM`, `ALERT_EMAIL`: outgoing mail.

use super::{ConfigError, Env};

/// Outgoing mail: kept in the outbox (Redis with `REDIS_URL`, else `DATA_DIR/outbox.db`) and
/// delivered over SMTP when `SMTP_URL` is set.
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// `SMTP_URL`, as lettre reads it: `smtp://user:pass@host:587?tls=required`,
    /// `smtps://user:pass@host`, `smtp://127.0.0.1:25` (plain, a local relay).
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`, default `Famigo <noreply@famigo.localhost>`.
    pub from: String,
    /// `ALERT_EMAIL`: who gets the watchdog's and `famigo monitor`'s alerts by mail (they go
    /// into the outbox); unset = alerts are not mailed.
    pub alert_email: Option<String>,
}

impl MailConfig {
    pub(super) fn from_env(env: &Env) -> Result<MailConfig, ConfigError> {
        Ok(MailConfig {
            smtp_url: env.smtp_url("SMTP_URL")?,
            from: env.mailbox("MAIL_FROM", Some("Famigo <noreply@famigo.localhost>"))?.unwrap_or_default(),
            alert_email: env.mailbox("ALERT_EMAIL", None)?,
        })
    }
}

impl Env {
    fn smtp_url(&self, var: &'static str) -> Result<Option<String>, ConfigError> {
        let Some(text) = self.get(var) else { return Ok(None) };
        let text = text.trim();
        let bad = |reason: String| ConfigError { var, value: "(hidden)".into(), reason };
        if !(text.starts_with("smtp://") || text.starts_with("smtps://")) {
            return Err(bad("expected an smtp:// or smtps:// URL".into()));
        }
        match lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(text) {
            Ok(_) => Ok(Some(text.to_string())),
            Err(e) => Err(bad(e.to_string())),
        }
    }

    fn mailbox(&self, var: &'static str, default: Option<&str>) -> Result<Option<String>, ConfigError> {
        let Some(text) = self.get(var).or(default) else { return Ok(None) };
        match text.trim().parse::<lettre::message::Mailbox>() {
            Ok(_) => Ok(Some(text.trim().to_string())),
            Err(e) => Err(ConfigError {
                var,
                value: text.to_string(),
                reason: format!("expected an address like Name <name@example.org>: {e}"),
            }),
        }
    }
}
