//! One file per implementation of a port.

pub mod browse_index;
pub mod indexing_catalog;
pub mod invalidating_catalog;
pub mod meili_search;
pub mod memory_cache;
pub mod redis_cache;
pub mod redis_queue;
pub mod sqlite;
pub mod sqlite_queue;
pub mod sqlite_sessions;
pub mod tantivy_search;
