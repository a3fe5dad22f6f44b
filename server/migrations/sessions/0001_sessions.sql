-- Sessions of the embedded store (tower-sessions records as JSON).
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    record TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
