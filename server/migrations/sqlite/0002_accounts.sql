-- Parents' accounts, their children and favorite apps. Deleting a user deletes the rest.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    session_stamp TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE kids (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    nickname   TEXT,
    birth_year INTEGER NOT NULL
);
CREATE INDEX kids_by_user ON kids(user_id, id);

CREATE TABLE favorites (
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    slug     TEXT NOT NULL,
    -- A ULID: favorites sort newest first by it.
    added    TEXT NOT NULL,
    PRIMARY KEY (user_id, slug)
);
CREATE INDEX favorites_by_slug ON favorites(slug);

-- Password-reset tokens by their SHA-256 (the token itself is only in the mail).
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
CREATE INDEX password_resets_by_user ON password_resets(user_id);
