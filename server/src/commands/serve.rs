//! `famigo serve`: the site, until SIGTERM or Ctrl-C, and (unless `FAMIGO_WORKER=off`) a worker.

use crate::config::Config;
use crate::wiring::Backends;
use anyhow::Context;
use app::domain::{JobFilter, JobKind, JobState};
use app::ports::AppState;
use std::time::Duration;

pub async fn run(config: Config) -> anyhow::Result<()> {
    let site = Backends::open(&config).await?.into_site(&config).await?;
    queue_reindex_if_needed(&site.state).await;
    let router = crate::http::router(site.clone(), &config.web);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let background = if config.serve_runs_worker {
        super::worker::start(&config, &site, router.clone(), stopped)?
    } else {
        let watchdog = super::worker::watchdog_config(&config, &site.state);
        tokio::spawn(crate::ops::watchdog::watch_dependencies(site.state.clone(), watchdog, stopped))
    };
    let flusher = tokio::spawn(crate::http::view_counter::run_flusher(
        site.views.clone(),
        site.state.trends.clone(),
        Duration::from_secs(10),
        stop.subscribe(),
    ));
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    let (lifecycle, drain) = (site.lifecycle.clone(), config.web.drain);
    let stopping = async move {
        super::shutdown::shutdown_signal().await;
        lifecycle.start_draining();
        tracing::info!(seconds = drain.as_secs(), "draining: /readyz answers 503 before the server stops");
        tokio::time::sleep(drain).await;
    };
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(stopping)
        .await
        .context("server failed")?;
    let _ = stop.send(true);
    let _ = background.await;
    let _ = flusher.await;
    tracing::info!("stopped");
    Ok(())
}

/// An empty search index over a catalog with apps (a fresh install, a seeded store, a new
/// Meilisearch), or one an older version wrote, gets a rebuild queued, unless one is already
/// waiting or running.
async fn queue_reindex_if_needed(state: &AppState) {
    let (indexed, apps) = match (state.search.count().await, state.catalog.count().await) {
        (Ok(i), Ok(a)) => (i, a),
        _ => return,
    };
    let outdated = indexed > 0 && state.search.outdated().await.unwrap_or(false);
    if (indexed > 0 && !outdated) || apps == 0 {
        return;
    }
    let why = if outdated { "an older version wrote it" } else { "it is empty" };
    let pending = |s: JobState| JobFilter { kind: Some(JobKind::ReindexSearch), state: Some(s) };
    for state_filter in [JobState::Queued, JobState::Running] {
        if state.jobs.list(&pending(state_filter), 1, 1).await.is_ok_and(|l| l.total > 0) {
            return;
        }
    }
    match state.jobs.enqueue(JobKind::ReindexSearch, "{}", 3).await {
        Ok(job) => tracing::info!(apps, job = %job.id, "search index: {why}; rebuild queued"),
        Err(e) => tracing::warn!("search index: {why}, and a rebuild cannot be queued: {}", app::ports::Causes(&e)),
    }
}
