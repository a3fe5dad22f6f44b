//! One file per implementation of a port.

pub mod browse_index;
pub mod sqlite;
