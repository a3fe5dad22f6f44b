//! Uploaded images in `catalog.db` (migration `0008_media`).

use super::db_err;
use app::domain::{parse_media_id, MediaFormat};
use app::ports::{BackendError, MediaError, MediaStore, StoredImage};
use async_trait::async_trait;
use sqlx::{Row, SqlitePool};

pub struct SqliteMedia {
    pool: SqlitePool,
}

impl SqliteMedia {
    pub fn new(pool: SqlitePool) -> SqliteMedia {
        SqliteMedia { pool }
    }
}

fn format_named(id: &str, stored: &str) -> Result<MediaFormat, MediaError> {
    MediaFormat::from_extension(stored)
        .ok_or_else(|| MediaError::Backend(BackendError::other(format!("image {id:?}: unknown format {stored:?}"))))
}

#[async_trait]
impl MediaStore for SqliteMedia {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn put(&self, id: &str, image: &StoredImage) -> Result<(), MediaError> {
        debug_assert_eq!(parse_media_id(id), Some(image.format));
        sqlx::query("INSERT INTO media (id, format, bytes) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")
            .bind(id)
            .bind(image.format.extension())
            .bind(&image.bytes)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn get(&self, id: &str) -> Result<Option<StoredImage>, MediaError> {
        let row = sqlx::query("SELECT format, bytes FROM media WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        let Some(row) = row else { return Ok(None) };
        let format: String = row.try_get("format").map_err(db_err)?;
        Ok(Some(StoredImage { format: format_named(id, &format)?, bytes: row.try_get("bytes").map_err(db_err)? }))
    }
}
