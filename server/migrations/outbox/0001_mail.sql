-- The embedded mail outbox. Times are unix milliseconds.
CREATE TABLE mail (
    id TEXT PRIMARY KEY NOT NULL,          -- ULID: sorts by creation time
    dedup_key TEXT NOT NULL UNIQUE,             -- a mail is composed once per key
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,                   -- pending | sent | failed
    due_at INTEGER NOT NULL,               -- next delivery attempt (pushed on by a claim's lease)
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX mail_due ON mail (state, due_at);
