//! `famigo outbox`: the newest mail, one line each, and where the outbox is.

use crate::config::Config;
use crate::wiring::Backends;

pub async fn run(config: &Config, limit: usize) -> anyhow::Result<()> {
    let outbox = Backends::open_outbox(config).await?;
    let mails = outbox.recent(limit).await?;
    let delivery =
        if config.mail.smtp_url.is_some() { "delivered over SMTP_URL" } else { "kept here: SMTP_URL is not set" };
    println!("outbox ({}, {delivery}): {} newest", outbox.backend(), mails.len());
    for mail in mails {
        let at = chrono::DateTime::from_timestamp_millis(mail.created_at)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default();
        let error = mail.last_error.map(|e| format!(" — {e}")).unwrap_or_default();
        println!("{at}  {:<7} ×{}  {}  {}{error}", mail.state.slug(), mail.attempts, mail.to, mail.subject);
    }
    Ok(())
}
