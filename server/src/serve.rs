//! Wiring: opens the adapters the configuration names and runs the HTTP server.

use crate::adapters::browse_index::IndexedCatalog;
use crate::adapters::sqlite::SqliteCatalog;
use crate::config::Config;
use app::ports::{AppState, Catalog, StoreError};
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot open the catalog: {0}")]
    Store(#[from] StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: std::net::SocketAddr, source: std::io::Error },
    #[error("server failed: {0}")]
    Io(#[from] std::io::Error),
}

pub async fn open_store(config: &Config) -> Result<SqliteCatalog, StoreError> {
    SqliteCatalog::open(&config.data_dir).await
}

/// The state every request sees: the store behind the in-memory browse index.
pub async fn app_state(config: &Config, store: Arc<dyn Catalog>) -> Result<AppState, StoreError> {
    let started = Instant::now();
    let indexed = IndexedCatalog::build(store).await?;
    tracing::info!(apps = indexed.indexed_count(), ms = started.elapsed().as_millis() as u64, "browse index built");
    Ok(AppState {
        leptos_options: config.leptos_options(),
        catalog: Arc::new(indexed),
        asset_url: config.web.asset_url.clone(),
    })
}

pub async fn serve(config: Config) -> Result<(), ServeError> {
    let store = open_store(&config).await?;
    let state = app_state(&config, Arc::new(store)).await?;
    let app = crate::http::router(state, &config.web);
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| ServeError::Bind { addr: config.addr, source })?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

pub async fn seed_command(config: &Config, apps: usize, seed: u64, if_empty: bool) -> Result<(), ServeError> {
    let store = open_store(config).await?;
    let existing = store.count().await?;
    if if_empty && existing > 0 {
        tracing::info!(existing, "catalog already has apps; not seeding");
        return Ok(());
    }
    let started = Instant::now();
    crate::seed::seed(&store, apps, seed).await?;
    tracing::info!(apps, seconds = started.elapsed().as_secs_f64(), "seeded");
    store.close().await;
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C; in-flight requests then finish before the server stops.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
