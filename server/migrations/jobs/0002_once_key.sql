-- Jobs a scheduler enqueues once per tick, whichever node gets there first.
ALTER TABLE jobs ADD COLUMN once_key TEXT;
CREATE UNIQUE INDEX jobs_once ON jobs (once_key) WHERE once_key IS NOT NULL;
