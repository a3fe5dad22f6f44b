-- The catalog. Platforms and categories are bitmasks (bit = enum position, see domain::app),
-- so a filter is one AND and facet counts are sums, without join tables.
CREATE TABLE apps (
    slug             TEXT PRIMARY KEY NOT NULL,
    name             TEXT NOT NULL,
    name_key         TEXT NOT NULL,
    developer        TEXT NOT NULL,
    description      TEXT NOT NULL,
    platforms        INTEGER NOT NULL,
    categories       INTEGER NOT NULL,
    price_cents      INTEGER NOT NULL,
    min_age          INTEGER NOT NULL,
    age_band         INTEGER NOT NULL,
    learning_rating  INTEGER NOT NULL,
    violence         INTEGER NOT NULL,
    scariness        INTEGER NOT NULL,
    language         INTEGER NOT NULL,
    consumerism      INTEGER NOT NULL,
    ads              INTEGER NOT NULL,
    in_app_purchases INTEGER NOT NULL,
    collects_data    INTEGER NOT NULL,
    open_chat        INTEGER NOT NULL,
    rating_avg       REAL NOT NULL,
    rating_count     INTEGER NOT NULL,
    released         TEXT NOT NULL,
    updated          TEXT NOT NULL
);

-- One index per sort order (each ends in slug so the order is total) and for the selective filters.
CREATE INDEX apps_top ON apps (rating_avg DESC, rating_count DESC, slug);
CREATE INDEX apps_newest ON apps (released DESC, slug);
CREATE INDEX apps_name ON apps (name_key, slug);
CREATE INDEX apps_learning ON apps (learning_rating DESC, rating_avg DESC, slug);
CREATE INDEX apps_age_band ON apps (age_band, rating_avg DESC);
CREATE INDEX apps_price ON apps (price_cents);
