//! What Tantivy's (and the file system's) errors mean to the search port.

use app::ports::SearchError;

pub(super) fn backend(e: impl std::fmt::Display) -> SearchError {
    SearchError::Backend(e.to_string())
}
