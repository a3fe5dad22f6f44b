//! Background jobs: one file per kind, and the worker that runs them (`worker.rs`).
//!
//! A handler gets a `JobContext`: its arguments, progress reporting, and `checkpoint()`, which
//! says whether to stop (cancel requested, the worker is stopping, or the lease was lost).
//! Handlers are idempotent: a job may run again after a crash (at-least-once).

pub mod catalog_csv;
pub mod catalog_json;
mod context;
pub mod import_catalog;
pub mod index_app;
pub mod noop;
pub mod recompute_ratings;
pub mod refresh_trending;
mod registry;
pub mod reindex_search;
pub mod schedule;
pub mod send_digest;
pub mod warm_cache;
mod worker;

pub(crate) use context::RunFlags;
pub use context::{JobContext, JobError, JobServices};
pub use worker::{Worker, WorkerConfig};
