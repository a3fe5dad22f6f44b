-- Parents' reviews: one per (user, app); only published ones are shown and counted.
CREATE TABLE reviews (
    id         TEXT PRIMARY KEY,
    app_slug   TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    author     TEXT NOT NULL,
    stars      INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    body       TEXT NOT NULL,
    status     TEXT NOT NULL,
    reason     TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (user_id, app_slug)
);
CREATE INDEX reviews_by_app ON reviews(app_slug, status, created_at DESC, id DESC);
CREATE INDEX reviews_by_status ON reviews(status, created_at DESC, id DESC);

-- "Helpful" votes, one per (review, user).
CREATE TABLE review_votes (
    review_id TEXT NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (review_id, user_id)
);
CREATE INDEX review_votes_by_user ON review_votes(user_id);
