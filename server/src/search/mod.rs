//! Site search (`SearchIndex` port): Tantivy embedded under `DATA_DIR/search`, or Meilisearch
//! with `MEILI_URL`. Both follow one contract, checked by one relevance suite.

pub mod meili;
pub mod tantivy;
