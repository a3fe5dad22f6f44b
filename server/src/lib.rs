#![recursion_limit = "256"]
//! The `famigo` server. `main.rs` only calls `commands::main`, so tests and benchmarks can use
//! everything here. The folders follow a request and a write:
//!
//! - `commands/` one file per subcommand; `config/` the typed configuration; `wiring.rs` opens
//!   each technology once and hands out every port;
//! - `http/` the router and its middleware (page cache, sessions, static files, SEO routes);
//! - `catalog/` the write path over the store: browse index, page-cache invalidation, search sync;
//! - `sqlite/`, `mongo/`, `redis/`, `memory/`, `search/`: the adapters, one folder per
//!   technology, one file per port;
//! - `media/` app images: the demo catalog's generated artwork and uploads re-encoded;
//! - `jobs/` one file per background job, and the worker; `mail.rs` delivers the outbox;
//! - `ops/` health, readiness, metrics, the watchdog, the monitor and their alerts.

pub mod catalog;
pub mod commands;
pub mod config;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod media;
pub mod memory;
pub mod mongo;
pub mod ops;
pub mod redis;
pub mod search;
pub mod sqlite;
pub mod storage;
pub mod wiring;
