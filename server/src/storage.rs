//! What every store adapter shares, whatever its technology: record ids, the clock records are
//! stamped with, and the report of a schema migration.

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

/// A session stamp: 128 random bits, so no stamp can be worked out from another (a ULID made
/// in the same millisecond as the last is that one plus 1).
pub fn new_stamp() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Now, in milliseconds since the Unix epoch: the time stamp of jobs, mail and throttles.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The database a store keeps its ports in, as startup and `famigo migrate` see it.
#[async_trait::async_trait]
pub trait Database: Send + Sync {
    /// Applies the migrations it has not had yet (opening one already did).
    async fn migrate(&self) -> Result<Migrated, app::ports::StoreError>;
    /// Lets it finish its writes (SQLite checkpoints its log; MongoDB ends its sessions).
    async fn close(&self);
}
