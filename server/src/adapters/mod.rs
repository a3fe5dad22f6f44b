//! One file per implementation of a port.

pub mod browse_index;
pub mod indexing_catalog;
pub mod invalidating_catalog;
pub mod meili_search;
pub mod memory_cache;
pub mod memory_throttle;
pub mod mongo;
pub mod mongo_accounts;
pub mod mongo_model;
pub mod mongo_reviews;
pub mod redis_cache;
pub mod redis_changes;
pub mod redis_outbox;
pub mod redis_queue;
pub mod redis_throttle;
pub mod redis_trends;
pub mod sqlite;
pub mod sqlite_accounts;
pub mod sqlite_outbox;
pub mod sqlite_queue;
pub mod sqlite_reviews;
pub mod sqlite_sessions;
pub mod sqlite_trends;
pub mod tantivy_search;

/// Where a store's schema stands after its migrations ran (`famigo migrate`).
#[derive(Debug)]
pub struct Migrated {
    /// The newest migration's version.
    pub version: i64,
    /// The migrations applied by this run, oldest first (none when already current).
    pub applied: Vec<String>,
}

/// A new record id (jobs, mail): a ULID, increasing within this process even inside one
/// millisecond, so "newest first" by id is the order records were made here.
pub fn new_id() -> String {
    static GENERATOR: std::sync::Mutex<ulid::Generator> = std::sync::Mutex::new(ulid::Generator::new());
    let mut generator = GENERATOR.lock().unwrap_or_else(|e| e.into_inner());
    generator.generate().unwrap_or_else(|_| ulid::Ulid::new()).to_string()
}
