//! Where alerts go (the watchdog's and `famigo monitor`'s): the log always; a webhook
//! (`ALERT_WEBHOOK_URL`) as JSON; and the mail outbox, addressed to `ALERT_EMAIL`, from where
//! the delivery loop sends it over SMTP. An alert mail the outbox cannot take (its Redis is the
//! thing that is down) is kept in memory and put again with the next alert or `flush`.

use app::domain::NewMail;
use app::ports::Outbox;
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Alert mails kept in memory while the outbox is unreachable; older ones are dropped first.
const MAX_UNSENT: usize = 100;

#[derive(Clone)]
pub struct AlertSinks {
    client: Option<reqwest::Client>,
    webhook: Option<String>,
    mail: Option<(Arc<dyn Outbox>, String)>,
    unsent: Arc<Mutex<Vec<NewMail>>>,
}

/// One alert, as the sinks need it.
pub struct AlertMessage<'a, T: Serialize> {
    /// Unique per event (`node-a:page_cache:down:1764300000123`): an alert put into the outbox
    /// twice is mailed once.
    pub key: String,
    /// One line: the mail's subject.
    pub summary: String,
    /// The webhook's JSON body, also quoted in the mail.
    pub detail: &'a T,
}

impl AlertSinks {
    /// `mail`: the outbox and the `ALERT_EMAIL` recipient.
    pub fn new(webhook: Option<String>, mail: Option<(Arc<dyn Outbox>, String)>) -> AlertSinks {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().ok();
        AlertSinks { client, webhook, mail, unsent: Arc::default() }
    }

    /// Puts the alert mails the outbox could not take before; true when none is left.
    pub async fn flush(&self) -> bool {
        let Some((outbox, _)) = &self.mail else { return true };
        let waiting = std::mem::take(&mut *self.unsent.lock().unwrap_or_else(|e| e.into_inner()));
        let mut still = Vec::new();
        for mail in waiting {
            if still.is_empty() {
                match outbox.put(&mail).await {
                    Ok(_) => continue,
                    Err(e) => tracing::warn!("alert mail kept until the outbox answers: {}", app::ports::Causes(&e)),
                }
            }
            still.push(mail);
        }
        let mut unsent = self.unsent.lock().unwrap_or_else(|e| e.into_inner());
        still.append(&mut unsent);
        let overflow = still.len().saturating_sub(MAX_UNSENT);
        still.drain(..overflow);
        *unsent = still;
        unsent.is_empty()
    }

    pub async fn send<T: Serialize>(&self, alert: AlertMessage<'_, T>) {
        if let (Some(client), Some(webhook)) = (&self.client, &self.webhook) {
            post_alert(client, webhook, alert.detail).await;
        }
        if let Some((_, to)) = &self.mail {
            let detail = serde_json::to_string_pretty(alert.detail).unwrap_or_default();
            let mail = NewMail {
                key: format!("alert:{}", alert.key),
                to: to.clone(),
                subject: format!("[famigo] {}", alert.summary),
                body: format!("{}\n\n{detail}\n", alert.summary),
            };
            self.unsent.lock().unwrap_or_else(|e| e.into_inner()).push(mail);
            self.flush().await;
        }
    }
}

/// What went wrong with a webhook call, without its URL: a webhook URL is a secret (Slack's and
/// most others' carry the token in the path).
fn webhook_failure(e: reqwest::Error) -> String {
    app::ports::Causes(&e.without_url()).to_string()
}

/// POSTs an alert as JSON, trying three times (0.5 s, then 1 s apart) so a receiver that
/// blinks does not lose it.
async fn post_alert(client: &reqwest::Client, webhook: &str, alert: &impl Serialize) {
    for attempt in 0..3u32 {
        match client.post(webhook).json(alert).send().await.and_then(|r| r.error_for_status()) {
            Ok(_) => return,
            Err(e) => tracing::warn!("alert webhook: {}", webhook_failure(e)),
        }
        if attempt < 2 {
            tokio::time::sleep(Duration::from_millis(500 * 2u64.pow(attempt))).await;
        }
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn a_failing_webhook_is_logged_without_its_secret_url() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}/services/T000/B000/s3cret-hook-token");
        let e = reqwest::Client::new().post(&url).send().await.expect_err("nothing listens there");
        assert!(e.to_string().contains("s3cret-hook-token"), "reqwest names the URL: {e}");
        let logged = super::webhook_failure(e);
        assert!(!logged.contains("s3cret-hook-token") && !logged.contains("/services/"), "{logged}");
    }
}
