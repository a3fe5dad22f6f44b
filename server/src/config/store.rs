//! `MONGODB_URL`, `MONGODB_DB`: where the catalog, accounts and reviews live.

use super::{ConfigError, Env};

/// The catalog: MongoDB when `MONGODB_URL` is set, SQLite under `DATA_DIR` otherwise.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// `MONGODB_URL`, like `mongodb://user:pass@host:27017/?w=majority&readPreference=primary`:
    /// write concern, read preference and timeouts go in its options, as for any MongoDB client.
    pub mongodb_url: Option<String>,
    /// `MONGODB_DB`, default `famigo`.
    pub mongodb_db: String,
}

impl StoreConfig {
    pub(super) fn from_env(env: &Env) -> Result<StoreConfig, ConfigError> {
        let store = StoreConfig {
            mongodb_url: env.mongodb_url("MONGODB_URL")?,
            mongodb_db: env.key_prefix("MONGODB_DB", "famigo")?,
        };
        if store.mongodb_db.len() > 63 || store.mongodb_db.contains(['.', ':']) {
            return Err(ConfigError {
                var: "MONGODB_DB",
                value: store.mongodb_db,
                reason: "use 1 to 63 letters, digits, _ - only".into(),
            });
        }
        Ok(store)
    }
}

impl Env {
    fn mongodb_url(&self, var: &'static str) -> Result<Option<String>, ConfigError> {
        let Some(text) = self.get(var) else { return Ok(None) };
        let text = text.trim();
        let bad = |reason: String| ConfigError { var, value: "(hidden)".into(), reason };
        if !(text.starts_with("mongodb://") || text.starts_with("mongodb+srv://")) {
            return Err(bad("expected a mongodb:// or mongodb+srv:// URL".into()));
        }
        match mongodb::options::ConnectionString::parse(text) {
            Ok(_) => Ok(Some(text.to_string())),
            Err(e) => Err(bad(crate::mongo::redact(text, &e.to_string()))),
        }
    }
}
