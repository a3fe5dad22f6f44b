//! One file per implementation of a port.

pub mod browse_index;
pub mod invalidating_catalog;
pub mod memory_cache;
pub mod redis_cache;
pub mod redis_queue;
pub mod sqlite;
pub mod sqlite_queue;
pub mod sqlite_sessions;
