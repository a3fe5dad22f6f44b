//! The port of uploaded images, kept in the catalog's database so that every node serves the
//! same ones. Images are named by their content (`domain::parse_media_id`): a name is written
//! once and never changes.

use super::backend_error::{from_backend_error, BackendError};
use crate::domain::MediaFormat;
use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("image store unavailable: {0}")]
    Unavailable(#[source] BackendError),
    #[error("image store error: {0}")]
    Backend(#[source] BackendError),
}

from_backend_error!(MediaError);

/// An image's bytes and format, as stored and served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredImage {
    pub format: MediaFormat,
    pub bytes: Vec<u8>,
}

#[async_trait]
pub trait MediaStore: Send + Sync + 'static {
    fn backend(&self) -> &'static str;

    /// Keeps `image` under `id`. Writing an id that is there already changes nothing (the
    /// same id is the same bytes).
    async fn put(&self, id: &str, image: &StoredImage) -> Result<(), MediaError>;

    /// The image named `id`, or None.
    async fn get(&self, id: &str) -> Result<Option<StoredImage>, MediaError>;
}
