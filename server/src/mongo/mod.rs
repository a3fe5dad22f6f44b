//! The production stores in MongoDB (`MONGODB_URL`, database `MONGODB_DB`), through the official
//! driver: the catalog, parents' accounts and their reviews, one collection family each. `Mongo`
//! owns the connection and the numbered migrations; each child file implements one port on it.
//!
//! Every call has a timeout (`READ_TIMEOUT`, `WRITE_TIMEOUT`) and a lost server maps to
//! "unavailable", so pages answer 503 and the driver reconnects by itself when MongoDB is back.

pub mod accounts;
pub mod app_document;
mod calls;
pub mod catalog;
mod fact_history;
pub mod media;
mod migrate_facts;
pub mod reviews;

use crate::storage::Migrated;
use accounts::MongoAccounts;
use app::ports::{BackendError, StoreError};
pub(crate) use calls::{db_err, is_duplicate_key, timed, READ_TIMEOUT, WRITE_TIMEOUT};
pub use calls::{host_of, redact};
use catalog::MongoCatalog;
use futures::TryStreamExt;
use mongodb::bson::{doc, Bson, Document};
use mongodb::options::ClientOptions;
use mongodb::{Client, Collection, Database};
use reviews::MongoReviews;
use std::time::Duration;

/// The collection that records which migrations a database has had.
pub const MIGRATIONS: &str = "schema_migrations";

/// One connection to one MongoDB database, shared by every port kept in it.
pub struct Mongo {
    client: Client,
    db: Database,
    host: String,
}

impl Mongo {
    /// Connects (failing within a few seconds when no server answers), then applies pending
    /// migrations. Errors name the host, never the credentials.
    pub async fn open(url: &str, db_name: &str) -> Result<Mongo, StoreError> {
        let host = host_of(url);
        let fail = |e: mongodb::error::Error| {
            StoreError::Unavailable(BackendError::unavailable(format!(
                "MongoDB at {host}: {}",
                redact(url, &e.to_string())
            )))
        };
        let mut options = ClientOptions::parse(url).await.map_err(fail)?;
        // Fail fast instead of hanging a request; a URL may still set its own values.
        options.server_selection_timeout.get_or_insert(Duration::from_secs(5));
        options.connect_timeout.get_or_insert(Duration::from_secs(5));
        options.app_name.get_or_insert_with(|| "famigo".into());
        let client = Client::with_options(options).map_err(fail)?;
        let db = client.database(db_name);
        timed(Duration::from_secs(5), db.run_command(doc! { "ping": 1 })).await.map_err(|e| {
            StoreError::Unavailable(BackendError::unavailable(format!(
                "MongoDB at {host} is not answering: {}",
                redact(url, &e.to_string())
            )))
        })?;
        let mongo = Mongo { client, db, host };
        mongo.migrate().await?;
        Ok(mongo)
    }

    /// The hosts of the URL it was opened with (no credentials).
    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// The catalog (migrations 1 and 4 made its indexes).
    pub fn catalog(&self) -> MongoCatalog {
        MongoCatalog::new(&self.db)
    }

    /// The accounts kept in this database (migration 2 made their indexes).
    pub fn accounts(&self) -> MongoAccounts {
        MongoAccounts::new(&self.db)
    }

    /// The reviews kept in this database (migration 3 made their indexes).
    pub fn reviews(&self) -> MongoReviews {
        MongoReviews::new(&self.db)
    }

    /// Uploaded images (no index beyond `_id`).
    pub fn media(&self) -> media::MongoMedia {
        media::MongoMedia::new(&self.db)
    }

    /// Ends the driver's sessions and connections.
    pub async fn close(&self) {
        self.client.clone().shutdown().await;
    }

    /// Applies the migrations this database has not had yet, in order; returns the schema
    /// version and the names of those applied now. Every migration is idempotent, so two
    /// processes starting at once both succeed (the second insert of a version is refused
    /// with a duplicate key and ignored).
    pub async fn migrate(&self) -> Result<Migrated, StoreError> {
        let versions: Collection<Document> = self.db.collection(MIGRATIONS);
        let done: Vec<Document> =
            timed(READ_TIMEOUT, async { versions.find(doc! {}).await?.try_collect().await }).await?;
        let done: Vec<i64> = done
            .iter()
            .filter_map(|d| d.get("_id").and_then(Bson::as_i64).or_else(|| d.get_i32("_id").ok().map(i64::from)))
            .collect();
        let mut applied = Vec::new();
        for (version, name) in MIGRATION_NAMES {
            if done.contains(version) {
                continue;
            }
            self.apply(*version).await?;
            let record = doc! { "_id": *version, "name": *name, "applied_at": mongodb::bson::DateTime::now() };
            let recorded = timed(WRITE_TIMEOUT, async {
                match versions.insert_one(record).await {
                    Err(e) if is_duplicate_key(&e) => Ok(false), // another process recorded it first
                    other => other.map(|_| true),
                }
            })
            .await?;
            if recorded {
                applied.push(name.to_string());
            }
        }
        let version = MIGRATION_NAMES.last().map_or(0, |(v, _)| *v);
        Ok(Migrated { version, applied })
    }

    async fn apply(&self, version: i64) -> Result<(), StoreError> {
        match version {
            1 => catalog::create_first_indexes(&self.db).await,
            2 => accounts::create_indexes(&self.db).await,
            3 => reviews::create_indexes(&self.db).await,
            4 => catalog::add_rating_scores(&self.db).await,
            5 => migrate_facts::bring_facts_forward(&self.db).await,
            6 => catalog::add_learning_keys(&self.db).await,
            other => Err(StoreError::Backend(BackendError::other(format!("no migration {other}")))),
        }
    }
}

/// Every migration, in order. Add a line (and a branch in `apply`) to change the schema; never
/// edit one that has shipped.
const MIGRATION_NAMES: &[(i64, &str)] = &[
    (1, "apps indexes"),
    (2, "accounts indexes"),
    (3, "reviews indexes"),
    (4, "rating score"),
    (5, "app facts"),
    (6, "learning key"),
];

#[async_trait::async_trait]
impl crate::storage::Database for Mongo {
    async fn migrate(&self) -> Result<Migrated, StoreError> {
        Mongo::migrate(self).await
    }

    async fn close(&self) {
        Mongo::close(self).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_shown_without_credentials() {
        assert_eq!(host_of("mongodb://famigo:s3cret@db1:27017,db2:27017/famigo?w=majority"), "db1:27017,db2:27017");
        assert_eq!(host_of("mongodb+srv://cluster0.example.net/?retryWrites=true"), "cluster0.example.net");
        assert_eq!(host_of("mongodb://127.0.0.1:27017"), "127.0.0.1:27017");
        assert_eq!(redact("mongodb://u:s3cret@h/", "auth failed for u:s3cret"), "auth failed for u:***");
        assert_eq!(redact("mongodb://h/", "no credentials"), "no credentials");
    }
}
