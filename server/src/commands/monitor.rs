//! `famigo monitor`: the sentinel over the nodes (`ops::monitor`). With `ALERT_EMAIL`, alerts
//! also go into the mail outbox (the cluster's Redis, or `DATA_DIR`), and with `SMTP_URL` the
//! monitor delivers mail itself, so alerts about a cluster whose workers are all down still go
//! out.

use crate::config::Config;
use crate::ops::alerts::AlertSinks;
use crate::ops::monitor::MonitorConfig;
use crate::wiring::Backends;
use std::time::Duration;

pub async fn run(
    config: &Config,
    nodes: Vec<String>,
    every: Duration,
    down_after: u32,
    listen: std::net::SocketAddr,
) -> anyhow::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (alerts, delivery) = match config.mail.alert_email {
        Some(_) => {
            let outbox = Backends::open_outbox(config).await?;
            let delivery = crate::mail::spawn_delivery(config, outbox.clone(), stopped)?;
            (crate::wiring::alert_sinks(config, &outbox), delivery)
        }
        None => (AlertSinks::new(config.alert_webhook.clone(), None), None),
    };
    let result = crate::ops::monitor::run(
        MonitorConfig { nodes, every, down_after, listen, alerts },
        super::shutdown::shutdown_signal(),
    )
    .await;
    let _ = stop.send(true);
    if let Some(delivery) = delivery {
        let _ = delivery.await;
    }
    result
}
