//! Uploaded images in the `media` collection: one document per image, `_id` its name, the
//! bytes as BSON binary. Uploads are re-encoded to at most 1280 pixels a side, well under
//! MongoDB's 16 MB document limit, so GridFS's chunking is not needed.

use super::{is_duplicate_key, timed, READ_TIMEOUT, WRITE_TIMEOUT};
use app::domain::MediaFormat;
use app::ports::{BackendError, MediaError, MediaStore, StoredImage};
use async_trait::async_trait;
use mongodb::bson::spec::BinarySubtype;
use mongodb::bson::{doc, Binary};
use mongodb::{Collection, Database};
use serde::{Deserialize, Serialize};

pub const MEDIA: &str = "media";

#[derive(Serialize, Deserialize)]
struct MediaDocument {
    #[serde(rename = "_id")]
    id: String,
    format: String,
    bytes: Binary,
}

pub struct MongoMedia {
    media: Collection<MediaDocument>,
}

impl MongoMedia {
    pub fn new(db: &Database) -> MongoMedia {
        MongoMedia { media: db.collection(MEDIA) }
    }
}

#[async_trait]
impl MediaStore for MongoMedia {
    fn backend(&self) -> &'static str {
        "mongodb"
    }

    async fn put(&self, id: &str, image: &StoredImage) -> Result<(), MediaError> {
        let document = MediaDocument {
            id: id.to_string(),
            format: image.format.extension().to_string(),
            bytes: Binary { subtype: BinarySubtype::Generic, bytes: image.bytes.clone() },
        };
        timed(WRITE_TIMEOUT, async {
            match self.media.insert_one(document).await {
                // The same name is the same bytes: stored already.
                Err(e) if is_duplicate_key(&e) => Ok(()),
                other => other.map(drop),
            }
        })
        .await?;
        Ok(())
    }

    async fn get(&self, id: &str) -> Result<Option<StoredImage>, MediaError> {
        let Some(found) = timed(READ_TIMEOUT, self.media.find_one(doc! { "_id": id })).await? else {
            return Ok(None);
        };
        let format = MediaFormat::from_extension(&found.format).ok_or_else(|| {
            MediaError::Backend(BackendError::other(format!("image {id:?}: unknown format {:?}", found.format)))
        })?;
        Ok(Some(StoredImage { format, bytes: found.bytes.bytes }))
    }
}
