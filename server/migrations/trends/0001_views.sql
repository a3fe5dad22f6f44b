-- App page views per day, and the trending lists computed from them.
CREATE TABLE app_views (
    day TEXT NOT NULL,                     -- YYYY-MM-DD (UTC)
    slug TEXT NOT NULL,
    views INTEGER NOT NULL,
    PRIMARY KEY (day, slug)
);
CREATE TABLE trending (
    id INTEGER PRIMARY KEY CHECK (id = 1), -- one row: the latest lists
    lists TEXT NOT NULL                    -- TrendingLists as JSON
);
