//! `MEILI_URL`, `MEILI_KEY`, `MEILI_INDEX`: site search.

use super::{ConfigError, Env};

/// Site search: Meilisearch when `MEILI_URL` is set, the embedded Tantivy index otherwise.
#[derive(Clone, Debug)]
pub struct SearchConfig {
    /// `MEILI_URL`, like `http://127.0.0.1:7700`.
    pub meili_url: Option<String>,
    /// `MEILI_KEY`: the master key or an API key allowed to manage the index.
    pub meili_key: Option<String>,
    /// `MEILI_INDEX`, default `apps`: the index uid (rebuilds use `<uid>_rebuild` and swap).
    pub meili_index: String,
}

impl SearchConfig {
    pub(super) fn from_env(env: &Env) -> Result<SearchConfig, ConfigError> {
        let search = SearchConfig {
            meili_url: env.origin("MEILI_URL", true)?,
            meili_key: env.get("MEILI_KEY").map(|k| k.trim().to_string()),
            meili_index: env.key_prefix("MEILI_INDEX", "apps")?,
        };
        if search.meili_index.contains(['.', ':']) {
            return Err(ConfigError {
                var: "MEILI_INDEX",
                value: search.meili_index,
                reason: "use letters, digits, _ - only".into(),
            });
        }
        Ok(search)
    }
}
