//! `famigo migrate`: brings the store's schema (tables, indexes) up to date and says where it is.

use crate::config::Config;
use crate::wiring::Store;

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let store = Store::open(config).await?;
    // Opening already applied what was pending; this run reports the state (and would apply
    // a migration another process added meanwhile).
    let migrated = store.migrate().await?;
    let applied = if migrated.applied.is_empty() {
        "nothing to apply".to_string()
    } else {
        format!("applied {}", migrated.applied.join(", "))
    };
    println!("{}: schema at version {} ({applied})", store.description, migrated.version);
    store.close().await;
    Ok(())
}
