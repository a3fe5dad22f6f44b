//! `famigo monitor --nodes URL,URL…`: the sentinel (Nagios's role). Polls every node's
//! `/readyz` and `/metrics`, prints a status line per node each round, keeps the last hour of
//! samples, sends one alert per state change (down after `down_after` failed polls in a row,
//! up again after as many good ones) to the alert sinks (webhook, mail outbox), and serves `/status` (a page with
//! each node's state and a latency chart) and `/status.json`.

use axum::extract::State;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const HISTORY: usize = 720;
const POLL_TIMEOUT: Duration = Duration::from_secs(2);

pub struct MonitorConfig {
    pub nodes: Vec<String>,
    pub every: Duration,
    pub down_after: u32,
    pub listen: std::net::SocketAddr,
    pub alerts: crate::ops::alerts::AlertSinks,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeState {
    Unknown,
    Up,
    Down,
}

#[derive(Clone, Debug, Serialize)]
pub struct Sample {
    /// Seconds since the Unix epoch.
    pub at: u64,
    pub ready: bool,
    pub latency_ms: f64,
    /// Requests the node answered since the previous poll, from its `/metrics`.
    pub requests: Option<u64>,
    /// Why the node was not ready (status, dependency down, no answer).
    pub problem: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct NodeStatus {
    pub url: String,
    /// The node's own name (its `x-famigo-node` header), once it answered.
    pub name: Option<String>,
    pub state: NodeState,
    pub since: u64,
    #[serde(skip)]
    streak: (bool, u32),
    #[serde(skip)]
    requests_total: Option<u64>,
    pub history: VecDeque<Sample>,
}

/// An alert as the webhook receives it (JSON).
#[derive(Clone, Debug, Serialize)]
pub struct Alert {
    pub node: String,
    pub name: Option<String>,
    pub state: NodeState,
    pub was: NodeState,
    pub at: u64,
    pub reason: String,
}

type Nodes = Arc<Mutex<Vec<NodeStatus>>>;

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Sum of a counter's samples in a Prometheus text exposition.
fn counter_sum(metrics: &str, name: &str) -> Option<u64> {
    let mut total = None;
    for line in metrics.lines().filter(|l| l.starts_with(name)) {
        let rest = &line[name.len()..];
        if !(rest.starts_with('{') || rest.starts_with(' ')) {
            continue;
        }
        let value = line.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok())?;
        *total.get_or_insert(0) += value as u64;
    }
    total
}

async fn poll(client: &reqwest::Client, url: &str) -> (Sample, Option<String>, Option<u64>) {
    let started = Instant::now();
    let ready = client.get(format!("{url}/readyz")).send().await;
    let latency_ms = started.elapsed().as_secs_f64() * 1e3;
    let (ready, name, problem) = match ready {
        Ok(response) => {
            let status = response.status();
            let name = response.headers().get("x-famigo-node").and_then(|v| v.to_str().ok()).map(str::to_string);
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            let down: Vec<String> = body["dependencies"]
                .as_object()
                .map(|deps| deps.iter().filter(|(_, d)| d["up"] == false).map(|(k, _)| k.clone()).collect())
                .unwrap_or_default();
            let problem = (!status.is_success()).then(|| {
                if body["draining"] == true {
                    "draining".to_string()
                } else if down.is_empty() {
                    format!("/readyz answered {status}")
                } else {
                    format!("{} down", down.join(", "))
                }
            });
            (status.is_success(), name, problem)
        }
        Err(e) => {
            (false, None, Some(if e.is_timeout() { "no answer within 2 s".into() } else { "not answering".into() }))
        }
    };
    let total = match ready {
        true => match client.get(format!("{url}/metrics")).send().await {
            Ok(r) => r.text().await.ok().and_then(|t| counter_sum(&t, "famigo_http_requests_total")),
            Err(_) => None,
        },
        false => None,
    };
    (Sample { at: now(), ready, latency_ms, requests: None, problem }, name, total)
}

/// Records a poll; returns the alert when the node's state changed.
fn observe(
    node: &mut NodeStatus,
    mut sample: Sample,
    name: Option<String>,
    total: Option<u64>,
    down_after: u32,
) -> Option<Alert> {
    if name.is_some() {
        node.name = name;
    }
    sample.requests = match (node.requests_total, total) {
        (Some(before), Some(after)) if after >= before => Some(after - before),
        _ => None,
    };
    if total.is_some() {
        node.requests_total = total;
    }
    node.streak = if node.streak.0 == sample.ready { (sample.ready, node.streak.1 + 1) } else { (sample.ready, 1) };
    let reason = sample.problem.clone().unwrap_or_else(|| "ready".into());
    node.history.push_back(sample);
    if node.history.len() > HISTORY {
        node.history.pop_front();
    }
    let (ready, count) = node.streak;
    let next = match (node.state, ready) {
        (NodeState::Up, false) | (NodeState::Unknown, false) if count >= down_after => NodeState::Down,
        (NodeState::Down, true) | (NodeState::Unknown, true) if count >= down_after => NodeState::Up,
        (state, _) => state,
    };
    if next == node.state {
        return None;
    }
    let was = std::mem::replace(&mut node.state, next);
    node.since = now();
    // The first verdict on a node is its starting state, not news.
    (was != NodeState::Unknown || next == NodeState::Down).then(|| Alert {
        node: node.url.clone(),
        name: node.name.clone(),
        state: next,
        was,
        at: node.since,
        reason,
    })
}

async fn send_alert(sinks: &crate::ops::alerts::AlertSinks, alert: &Alert) {
    let label = alert.name.as_deref().unwrap_or(&alert.node);
    let summary = format!("{label} ({}) is {:?}: {}", alert.node, alert.state, alert.reason);
    println!("ALERT {summary}");
    let key = format!("monitor:{}:{:?}:{}", alert.node, alert.state, alert.at);
    sinks.send(crate::ops::alerts::AlertMessage { key, summary, detail: alert }).await;
}

/// Runs until `stop` resolves (the command passes Ctrl-C or SIGTERM).
pub async fn run(config: MonitorConfig, stop: impl std::future::Future<Output = ()>) -> anyhow::Result<()> {
    use anyhow::Context;
    let client = reqwest::Client::builder().timeout(POLL_TIMEOUT).build().context("cannot set up the HTTP client")?;
    let nodes: Nodes = Arc::new(Mutex::new(
        config
            .nodes
            .iter()
            .map(|url| NodeStatus {
                url: url.clone(),
                name: None,
                state: NodeState::Unknown,
                since: now(),
                streak: (false, 0),
                requests_total: None,
                history: VecDeque::new(),
            })
            .collect(),
    ));
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    println!(
        "monitor: watching {} nodes every {:?}; status page on http://{}/status",
        config.nodes.len(),
        config.every,
        listener.local_addr()?
    );
    let app = Router::new()
        .route("/status", get(status_page))
        .route("/status.json", get(status_json))
        .with_state(nodes.clone());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let mut ticks = tokio::time::interval(config.every);
    tokio::pin!(stop);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = &mut stop => break,
        }
        let polls = futures::future::join_all(config.nodes.iter().map(|url| poll(&client, url))).await;
        let mut alerts = Vec::new();
        {
            let mut nodes = nodes.lock().unwrap_or_else(|e| e.into_inner());
            for (node, (sample, name, total)) in nodes.iter_mut().zip(polls) {
                alerts.extend(observe(node, sample, name, total, config.down_after));
            }
            println!("{}", status_line(&nodes));
        }
        for alert in &alerts {
            send_alert(&config.alerts, alert).await;
        }
    }
    server.abort();
    Ok(())
}

fn status_line(nodes: &[NodeStatus]) -> String {
    let mut line = String::new();
    for node in nodes {
        let last = node.history.back();
        let label = node.name.as_deref().unwrap_or(&node.url);
        let _ = write!(line, "{label}: {:?} {:.1} ms", node.state, last.map_or(0.0, |s| s.latency_ms));
        if let Some(requests) = last.and_then(|s| s.requests) {
            let _ = write!(line, " {requests} req");
        }
        if let Some(problem) = last.and_then(|s| s.problem.as_deref()) {
            let _ = write!(line, " ({problem})");
        }
        line.push_str(" | ");
    }
    line.trim_end_matches(" | ").to_string()
}

async fn status_json(State(nodes): State<Nodes>) -> impl IntoResponse {
    let nodes = nodes.lock().unwrap_or_else(|e| e.into_inner());
    Json(serde_json::to_value(&*nodes).unwrap_or_default())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Each node's state and a latency chart (an inline SVG polyline over its history; gaps where
/// it did not answer).
async fn status_page(State(nodes): State<Nodes>) -> Html<String> {
    let nodes = nodes.lock().unwrap_or_else(|e| e.into_inner());
    let mut page = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">\
         <title>Famigo nodes</title><style>body{font:15px system-ui;margin:2em}table{border-collapse:collapse}\
         td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left}.up{color:#17803d}.down{color:#b42318}\
         .unknown{color:#666}svg{background:#f6f6f6}</style></head><body><h1>Famigo nodes</h1><table>\
         <tr><th>Node</th><th>State</th><th>Since</th><th>Last latency</th><th>Latency, last hour</th></tr>",
    );
    for node in nodes.iter() {
        let state = format!("{:?}", node.state).to_lowercase();
        let label = node
            .name
            .as_deref()
            .map_or_else(|| escape(&node.url), |n| format!("{} <small>{}</small>", escape(n), escape(&node.url)));
        let last = node.history.back().map_or("—".to_string(), |s| {
            if s.ready {
                format!("{:.1} ms", s.latency_ms)
            } else {
                escape(s.problem.as_deref().unwrap_or("down"))
            }
        });
        let _ = write!(
            page,
            "<tr><td>{label}</td><td class=\"{state}\">{state}</td><td>{}s ago</td><td>{last}</td><td>{}</td></tr>",
            now().saturating_sub(node.since),
            latency_chart(&node.history)
        );
    }
    page.push_str("</table></body></html>");
    Html(page)
}

fn latency_chart(history: &VecDeque<Sample>) -> String {
    let (width, height) = (360.0, 40.0);
    let max = history.iter().filter(|s| s.ready).map(|s| s.latency_ms).fold(1.0, f64::max);
    let step = width / HISTORY as f64;
    let mut runs: Vec<String> = vec![String::new()];
    for (i, sample) in history.iter().enumerate() {
        if !sample.ready {
            runs.push(String::new());
            continue;
        }
        let x = width - (history.len() - i) as f64 * step;
        let y = height - sample.latency_ms / max * (height - 2.0);
        let _ = write!(runs.last_mut().expect("a run"), "{x:.1},{y:.1} ");
    }
    let mut svg =
        format!("<svg width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"latency, max {max:.1} ms\">");
    for run in runs.iter().filter(|r| !r.is_empty()) {
        let _ = write!(
            svg,
            "<polyline fill=\"none\" stroke=\"#2563eb\" stroke-width=\"1.5\" points=\"{}\"/>",
            run.trim_end()
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(ready: bool) -> Sample {
        Sample { at: now(), ready, latency_ms: 1.0, requests: None, problem: (!ready).then(|| "not answering".into()) }
    }

    #[test]
    fn one_alert_per_state_change_after_the_streak() {
        let mut node = NodeStatus {
            url: "http://a".into(),
            name: None,
            state: NodeState::Unknown,
            since: 0,
            streak: (false, 0),
            requests_total: None,
            history: VecDeque::new(),
        };
        let mut alerts = Vec::new();
        for ready in [true, true, true, false, true, false, false, false, false, true, true, true] {
            alerts.extend(observe(&mut node, sample(ready), None, None, 2));
        }
        let states: Vec<(NodeState, NodeState)> = alerts.iter().map(|a| (a.was, a.state)).collect();
        assert_eq!(states, vec![(NodeState::Up, NodeState::Down), (NodeState::Down, NodeState::Up)]);
        assert_eq!(node.history.len(), 12);
    }

    #[test]
    fn request_counts_come_from_the_prometheus_counter() {
        let text = "# TYPE famigo_http_requests_total counter\nfamigo_http_requests_total{route=\"/\",status=\"200\"} 12\nfamigo_http_requests_total{route=\"/apps\",status=\"200\"} 30\nfamigo_http_requests_total_other 5\n";
        assert_eq!(counter_sum(text, "famigo_http_requests_total"), Some(42));
        assert_eq!(counter_sum("", "famigo_http_requests_total"), None);
    }
}
