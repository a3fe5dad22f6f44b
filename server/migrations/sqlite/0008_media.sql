-- Uploaded icons and screenshots, named by their content (domain::parse_media_id).
CREATE TABLE media (
    id         TEXT PRIMARY KEY,
    format     TEXT NOT NULL,
    bytes      BLOB NOT NULL
) WITHOUT ROWID;
