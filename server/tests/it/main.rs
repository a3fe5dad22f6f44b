//! The integration tests: one binary, a module per area. `common` holds the shared helpers (the
//! `TestApp` builder, the backend-suite macro, throwaway servers); a backend that cannot be
//! started prints `skipped: …`, or fails the test when `FAMIGO_REQUIRE_BACKENDS` names it.

mod common;

mod account_store;
mod app_facts;
mod app_images;
mod backend_errors;
mod browse_index_coherence;
mod catalog_conformance;
mod cli;
mod cluster;
mod fuzz_http;
mod http_accounts;
mod http_admin;
mod http_concurrency;
mod http_metrics;
mod http_page_cache;
mod http_pages;
mod http_reviews;
mod http_search;
mod http_seo;
mod http_static;
mod job_queue;
mod job_worker_process;
mod mail_outbox;
mod mongo_store;
mod page_cache_conformance;
mod redis_failover;
mod search_conformance;
mod security;
mod seed;
mod session_store;
mod trends;
