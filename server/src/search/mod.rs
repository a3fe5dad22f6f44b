//! Site search (`SearchIndex` port): Tantivy embedded under `DATA_DIR/search`, or Meilisearch
//! with `MEILI_URL`. Both follow one contract, checked by one relevance suite. The site reaches
//! either through `ReadyGate`, which keeps searches off an index that is not built yet.

pub mod meili;
pub mod ready_gate;
pub mod tantivy;
