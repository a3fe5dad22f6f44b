//! What Tantivy's (and the file system's) errors mean to the search port.

use app::ports::{BackendError, SearchError};

pub(super) fn backend(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> SearchError {
    SearchError::Backend(BackendError::other(e))
}
