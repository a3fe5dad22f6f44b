-- "Best for learning" sorts by the learning rating, then by how many subjects the app teaches
-- (domain::learning_key: rating × 16 + subjects, at most 15 counted), computed from the stored
-- facts the same way as the Rust function.
ALTER TABLE apps ADD COLUMN learning_key INTEGER GENERATED ALWAYS AS
    (learning_rating * 16 + min(coalesce(json_array_length(facts, '$.learning.subjects'), 0), 15)) VIRTUAL;

DROP INDEX apps_learning;
CREATE INDEX apps_learning ON apps (learning_key DESC, rating_score DESC, slug);
