-- The richer record (domain::AppFacts): content grid with notes, interaction, privacy label,
-- money, learning, Famigo's review, store facts and where each group of facts came from, as
-- the domain's JSON in `facts`. The four old content columns move into it; the four old flags
-- stay as columns (the SQL filters read them) but are now written from the facts
-- (`App::privacy`). Old flags map onto the facts they meant, from an unknown source and never
-- checked, exactly as `AppFacts::from_legacy` maps them.
ALTER TABLE apps ADD COLUMN max_age INTEGER;
ALTER TABLE apps ADD COLUMN facts TEXT NOT NULL DEFAULT '{}';
-- What the new filters read, worked out from `facts` like the four flags (FilterFields):
-- chat as its position in domain::Chat (none 0 … open 3), the SafetyChecks passed, and the
-- masks of languages, accessibility features and subjects.
ALTER TABLE apps ADD COLUMN chat INTEGER NOT NULL DEFAULT 0;
ALTER TABLE apps ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE apps ADD COLUMN languages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE apps ADD COLUMN accessibility INTEGER NOT NULL DEFAULT 0;
ALTER TABLE apps ADD COLUMN subjects INTEGER NOT NULL DEFAULT 0;

UPDATE apps SET facts = json_object(
    'content', json_object(
        'violence', json_object('score', violence),
        'scariness', json_object('score', scariness),
        'language', json_object('score', language),
        'consumerism', json_object('score', consumerism)
    ),
    'interaction', json_object('chat', CASE WHEN open_chat != 0 THEN 'open' ELSE 'none' END),
    'money', json_object(
        'model', CASE WHEN price_cents > 0 THEN 'paid-once'
                      WHEN in_app_purchases != 0 THEN 'free-with-purchases'
                      ELSE 'free' END,
        'purchases', json(CASE WHEN in_app_purchases != 0 THEN 'true' ELSE 'false' END),
        'ads', CASE WHEN ads != 0 THEN 'third-party' ELSE 'none' END
    ),
    'privacy', CASE WHEN collects_data != 0 THEN json_object('data', json_object('other', 'linked'))
                    ELSE json_object() END
);
-- The old facts share no location, track nothing (the label is unchecked), sell no
-- subscription or loot boxes and are not known to work offline: checks 1 + 2 + 4 + 8, and 16
-- (no third-party ads) unless the app showed ads.
UPDATE apps SET chat = CASE WHEN open_chat != 0 THEN 3 ELSE 0 END,
                checks = CASE WHEN ads != 0 THEN 15 ELSE 31 END;

ALTER TABLE apps DROP COLUMN violence;
ALTER TABLE apps DROP COLUMN scariness;
ALTER TABLE apps DROP COLUMN language;
ALTER TABLE apps DROP COLUMN consumerism;

-- Every change of a safety, privacy or money fact (domain::fact_changes), written in the same
-- transaction as the app; `seq` orders them (newest first on the page).
CREATE TABLE app_fact_changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    slug       TEXT NOT NULL,
    fact       TEXT NOT NULL,
    label      TEXT NOT NULL,
    from_value TEXT NOT NULL,
    to_value   TEXT NOT NULL,
    changed_on TEXT NOT NULL,
    source     TEXT NOT NULL
);
CREATE INDEX app_fact_changes_by_app ON app_fact_changes (slug, seq DESC);
