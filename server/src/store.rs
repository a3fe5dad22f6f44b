//! The catalog store the configuration names: MongoDB when `MONGODB_URL` is set, SQLite under
//! `DATA_DIR` otherwise. Opening one applies its pending migrations.

use crate::mongo::catalog::MongoCatalog;
use crate::sqlite::catalog::SqliteCatalog;
use crate::storage::Migrated;
use crate::config::Config;
use app::ports::{Accounts, Catalog, Reviews, StoreError};
use std::sync::Arc;

#[derive(Clone)]
pub enum Store {
    Sqlite(Arc<SqliteCatalog>),
    Mongo(Arc<MongoCatalog>),
}

impl Store {
    pub async fn open(config: &Config) -> Result<Store, StoreError> {
        Ok(match &config.store.mongodb_url {
            Some(url) => Store::Mongo(Arc::new(MongoCatalog::open(url, &config.store.mongodb_db).await?)),
            None => Store::Sqlite(Arc::new(SqliteCatalog::open(&config.data_dir).await?)),
        })
    }

    pub fn catalog(&self) -> Arc<dyn Catalog> {
        match self {
            Store::Sqlite(store) => store.clone(),
            Store::Mongo(store) => store.clone(),
        }
    }

    /// Parents' accounts, kept in the same database as the catalog.
    pub fn accounts(&self) -> Arc<dyn Accounts> {
        match self {
            Store::Sqlite(store) => Arc::new(store.accounts()),
            Store::Mongo(store) => Arc::new(store.accounts()),
        }
    }

    /// Parents' reviews, beside their accounts.
    pub fn reviews(&self) -> Arc<dyn Reviews> {
        match self {
            Store::Sqlite(store) => Arc::new(store.reviews()),
            Store::Mongo(store) => Arc::new(store.reviews()),
        }
    }

    /// Where the data is, for messages: never a password.
    pub fn describe(&self, config: &Config) -> String {
        match self {
            Store::Sqlite(_) => format!("sqlite at {}", config.data_dir.join("catalog.db").display()),
            Store::Mongo(store) => format!("mongodb at {}/{}", store.host(), config.store.mongodb_db),
        }
    }

    pub async fn migrate(&self) -> Result<Migrated, StoreError> {
        match self {
            Store::Sqlite(store) => store.migrate().await,
            Store::Mongo(store) => store.migrate().await,
        }
    }

    /// Lets the store finish its writes (SQLite checkpoints its log; MongoDB ends its sessions).
    pub async fn close(&self) {
        match self {
            Store::Sqlite(store) => store.close().await,
            Store::Mongo(store) => store.close().await,
        }
    }
}
