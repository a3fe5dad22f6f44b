#![recursion_limit = "256"]
//! The `famigo` server: configuration, adapters, HTTP and the command line. `main.rs` only
//! calls `cli::main`, so tests and benchmarks can use everything here.

pub mod adapters;
pub mod alerts;
pub mod cli;
pub mod config;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod monitor;
pub mod seed;
pub mod serve;
pub mod sessions;
pub mod store;
pub mod transfer;
pub mod watchdog;
