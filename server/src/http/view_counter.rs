//! Counts app page views for `refresh_trending`: every GET of `/apps/<slug>` answered 200
//! (cached or not) by a browser — requests without a User-Agent (the site's own cache warmer)
//! or from crawlers are left out. Counts gather in memory and are added to the `Trends` store
//! every few seconds, so a page view costs no write.

use app::ports::Trends;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

#[derive(Clone, Default)]
pub struct ViewTally(Arc<Mutex<HashMap<String, u64>>>);

impl ViewTally {
    fn count(&self, slug: &str) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()).entry(slug.to_string()).or_default() += 1;
    }

    /// The views counted since the last call.
    pub fn take(&self) -> Vec<(String, u64)> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner())).into_iter().collect()
    }

    /// Adds the counted views to today's tally in `trends`; on failure they are counted again
    /// for the next flush.
    pub async fn flush(&self, trends: &dyn Trends) {
        let views = self.take();
        if views.is_empty() {
            return;
        }
        if let Err(e) = trends.record_views(chrono::Utc::now().date_naive(), &views).await {
            tracing::warn!("page views kept for later: {}", app::ports::Causes(&e));
            let mut tally = self.0.lock().unwrap_or_else(|e| e.into_inner());
            for (slug, n) in views {
                *tally.entry(slug).or_default() += n;
            }
        }
    }
}

/// Flushes every `every` until `stop`, and once more then.
pub async fn run_flusher(tally: ViewTally, trends: Arc<dyn Trends>, every: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        let stopping = tokio::select! {
            _ = tokio::time::sleep(every) => false,
            _ = stop.wait_for(|stopping| *stopping) => true,
        };
        tally.flush(&*trends).await;
        if stopping {
            return;
        }
    }
}

fn app_slug(path: &str) -> Option<&str> {
    let slug = path.strip_prefix("/apps/")?;
    app::domain::is_valid_slug(slug).then_some(slug)
}

fn from_a_browser(request: &Request) -> bool {
    let Some(agent) = request.headers().get("user-agent").and_then(|v| v.to_str().ok()) else { return false };
    let agent = agent.to_ascii_lowercase();
    !["bot", "crawler", "spider", "slurp", "curl", "wget", "oha", "python"].iter().any(|word| agent.contains(word))
}

pub async fn count_app_views(State(tally): State<ViewTally>, request: Request, next: Next) -> Response {
    // The path first: most requests are not app pages, and the user agent check allocates.
    let slug = app_slug(request.uri().path())
        .filter(|_| request.method() == axum::http::Method::GET && from_a_browser(&request))
        .map(str::to_string);
    let response = next.run(request).await;
    if let (Some(slug), true) = (slug, response.status() == axum::http::StatusCode::OK) {
        tally.count(&slug);
    }
    response
}
