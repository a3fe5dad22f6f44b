//! The embedded adapters that live in this process: the page cache (the whole cache without
//! Redis, and the L1 in front of Redis with it) and the sign-in throttle.

pub mod page_cache;
pub mod throttle;
