//! Watching the servers: health and readiness (`/healthz`, `/readyz`), Prometheus metrics, the
//! in-process watchdog, the `famigo monitor` sentinel, and the alerts they send.

pub mod alerts;
pub mod health;
pub mod metrics;
pub mod monitor;
pub mod watchdog;
