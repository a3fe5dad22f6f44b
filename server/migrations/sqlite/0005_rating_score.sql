-- "Top rated" sorts by a Bayesian average (domain::rating_score: the stars as if every app
-- also had five 3.5-star ratings), computed from the stored average and count in the same
-- order of operations as the Rust function, so both give the same double.
ALTER TABLE apps ADD COLUMN rating_score REAL GENERATED ALWAYS AS ((rating_avg * rating_count + 17.5) / (rating_count + 5.0)) VIRTUAL;

DROP INDEX apps_top;
DROP INDEX apps_learning;
DROP INDEX apps_age_band;
CREATE INDEX apps_top ON apps (rating_score DESC, rating_count DESC, slug);
CREATE INDEX apps_learning ON apps (learning_rating DESC, rating_score DESC, slug);
CREATE INDEX apps_age_band ON apps (age_band, rating_score DESC);
