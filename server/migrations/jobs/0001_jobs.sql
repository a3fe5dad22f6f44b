-- The embedded job queue. Times are unix milliseconds.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,          -- ULID: sorts by creation time
    kind TEXT NOT NULL,
    args TEXT NOT NULL,
    state TEXT NOT NULL,                   -- queued | running | done | failed | dead | cancelled
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at INTEGER NOT NULL,               -- due time while queued or failed
    lease_token TEXT,
    lease_until INTEGER,
    worker TEXT,
    progress_done INTEGER NOT NULL DEFAULT 0,
    progress_total INTEGER NOT NULL DEFAULT 0,
    progress_message TEXT NOT NULL DEFAULT '',
    result TEXT,
    last_error TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER
);
CREATE INDEX jobs_due ON jobs (state, run_at);
CREATE INDEX jobs_lease ON jobs (state, lease_until);
CREATE INDEX jobs_finished ON jobs (finished_at);
CREATE INDEX jobs_kind ON jobs (kind, id);
