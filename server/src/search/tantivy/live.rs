//! One open index directory, and the `current` link that names the live one (swapped whole
//! by a rebuild).

use super::errors::backend;
use super::schema::{analyzer, schema, Fields, TOKENIZER};
use app::ports::{BackendError, SearchError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};

pub(super) const CURRENT: &str = "current";

/// One open index: the directory the link pointed at when it was opened.
pub(super) struct Live {
    pub(super) dir: PathBuf,
    pub(super) index: Index,
    pub(super) reader: IndexReader,
    pub(super) fields: Fields,
}

impl Live {
    /// Opens an index built by this version; one with another schema is an error (the
    /// caller starts an empty one, and a rebuild fills it).
    pub(super) fn open(dir: &Path) -> tantivy::Result<Live> {
        let index = Index::open_in_dir(dir)?;
        let same = |s: &Schema| serde_json::to_string(s).ok();
        if same(&index.schema()) != same(&schema().0) {
            return Err(tantivy::TantivyError::SchemaError("built by another version of famigo".into()));
        }
        Self::with_index(dir, index)
    }

    pub(super) fn create(dir: &Path) -> tantivy::Result<Live> {
        std::fs::create_dir_all(dir)?;
        let index = Index::create_in_dir(dir, schema().0)?;
        Self::with_index(dir, index)
    }

    pub(super) fn with_index(dir: &Path, index: Index) -> tantivy::Result<Live> {
        index.tokenizers().register(TOKENIZER, analyzer());
        let (_, fields) = schema();
        let reader = index.reader_builder().reload_policy(ReloadPolicy::OnCommitWithDelay).try_into()?;
        Ok(Live { dir: dir.to_path_buf(), index, reader, fields })
    }

    /// A writer, waiting a little if another process holds the index's lock.
    pub(super) fn writer(&self, budget: usize) -> Result<IndexWriter, SearchError> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.index.writer_with_num_threads(1, budget) {
                Ok(w) => return Ok(w),
                Err(tantivy::TantivyError::LockFailure(..)) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                Err(tantivy::TantivyError::LockFailure(..)) => {
                    return Err(SearchError::Unavailable(BackendError::unavailable(
                        "the search index is locked by another process",
                    )))
                }
                Err(e) => return Err(backend(e)),
            }
        }
    }
}

/// Replaces the `current` link atomically: a new link, renamed over the old one.
pub(super) fn point_current_at(root: &Path, name: &str) -> Result<(), SearchError> {
    let tmp = root.join(format!("{CURRENT}.{}", ulid::Ulid::new()));
    std::os::unix::fs::symlink(name, &tmp).map_err(backend)?;
    std::fs::rename(&tmp, root.join(CURRENT)).map_err(backend)?;
    if let Ok(dir) = std::fs::File::open(root) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Builds left by a rebuild that did not finish (a crash), never the live one.
pub(super) fn remove_stray_builds(root: &Path, live: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_build = entry.file_name().to_string_lossy().starts_with("index-");
        if is_build && path != live && path.is_dir() {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}
