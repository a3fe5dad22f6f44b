//! Mail delivery: mail waits in the outbox (the `Outbox` port) until a delivery loop sends it
//! over SMTP with lettre. Every process that runs a worker (and `famigo monitor`) runs the loop
//! when `SMTP_URL` is set; claims are leased, so several loops never send one mail twice while
//! a lease lasts. Without `SMTP_URL` mail stays in the outbox (`famigo outbox` lists it).

use crate::storage::now_ms;
use app::domain::{Mail, MailState};
use app::ports::Outbox;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How long a claimed mail is held by its deliverer.
const LEASE: Duration = Duration::from_secs(120);
/// Mails sent per pass.
const BATCH: usize = 50;

/// An SMTP connection (pooled) and the sender's address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Why a mail was not sent.
#[derive(Debug)]
pub struct SendError {
    pub reason: String,
    /// The server refused it for good (or the message cannot be built): do not retry.
    pub permanent: bool,
}

impl Mailer {
    /// `smtp_url` as lettre reads it: `smtp://user:pass@host:587?tls=required`,
    /// `smtps://host`, or `smtp://127.0.0.1:2525` (plain, for a local relay).
    pub fn new(smtp_url: &str, from: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| e.to_string())?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from.parse::<Mailbox>().map_err(|e| format!("MAIL_FROM: {e}"))?;
        Ok(Mailer { transport, from })
    }

    pub async fn send(&self, mail: &Mail) -> Result<(), SendError> {
        let permanent = |reason: String| SendError { reason, permanent: true };
        let to = mail.to.parse::<Mailbox>().map_err(|e| permanent(format!("recipient {:?}: {e}", mail.to)))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.as_str())
            // The outbox id: a receiver sees a re-delivery (after a lost lease) as the same mail.
            .message_id(Some(format!("<{}@{}>", mail.id, self.from.email.domain())))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| permanent(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| SendError { permanent: e.is_permanent(), reason: e.to_string() })
    }
}

/// Waits 30 s after the first failure, doubling to an hour.
pub fn retry_delay(attempts_before: u32) -> Duration {
    Duration::from_secs(30).saturating_mul(2u32.saturating_pow(attempts_before.min(10))).min(Duration::from_secs(3600))
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub failed: usize,
}

/// Sends every mail that is due, in batches, until none is left.
pub async fn deliver_due(outbox: &dyn Outbox, mailer: &Mailer) -> Result<Delivered, app::ports::OutboxError> {
    let mut delivered = Delivered::default();
    loop {
        let mails = outbox.claim(BATCH, LEASE).await?;
        if mails.is_empty() {
            return Ok(delivered);
        }
        for mail in mails {
            match mailer.send(&mail).await {
                Ok(()) => {
                    outbox.sent(&mail.id).await?;
                    delivered.sent += 1;
                    metrics::counter!("famigo_mail_total", "outcome" => "sent").increment(1);
                }
                Err(e) => {
                    let retry_at = (!e.permanent).then(|| now_ms() + retry_delay(mail.attempts).as_millis() as i64);
                    let state = outbox.failed(&mail.id, &e.reason, retry_at).await?;
                    delivered.failed += 1;
                    metrics::counter!("famigo_mail_total", "outcome" => "failed").increment(1);
                    match state {
                        MailState::Failed => {
                            tracing::error!(mail = %mail.id, to = %mail.to, "mail not delivered, giving up: {}", e.reason)
                        }
                        _ => {
                            tracing::warn!(mail = %mail.id, to = %mail.to, "mail not delivered, will retry: {}", e.reason)
                        }
                    }
                }
            }
        }
    }
}

/// Delivers due mail every `every` until `stop`.
pub async fn run_delivery(outbox: Arc<dyn Outbox>, mailer: Mailer, every: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        match deliver_due(&*outbox, &mailer).await {
            Ok(Delivered { sent: 0, failed: 0 }) => {}
            Ok(d) => tracing::info!(sent = d.sent, failed = d.failed, "mail delivery"),
            Err(e) => tracing::warn!("mail delivery paused: {}", app::ports::Causes(&e)),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.wait_for(|stopping| *stopping) => return,
        }
    }
}

/// The delivery loop, when `SMTP_URL` is set (supervised: restarted if it panics), until `stop`.
pub fn spawn_delivery(
    config: &crate::config::Config,
    outbox: Arc<dyn Outbox>,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    let Some(url) = &config.mail.smtp_url else {
        return Ok(None);
    };
    let mailer =
        Mailer::new(url, &config.mail.from).map_err(|reason| anyhow::anyhow!("cannot set up SMTP: {reason}"))?;
    let every = Duration::from_secs(2);
    Ok(Some(tokio::spawn(crate::ops::watchdog::supervise("mail delivery", stop.clone(), move || {
        run_delivery(outbox.clone(), mailer.clone(), every, stop.clone())
    }))))
}
