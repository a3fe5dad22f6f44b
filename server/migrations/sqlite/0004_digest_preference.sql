-- Whether a parent gets the weekly digest of new apps: on until they turn it off.
ALTER TABLE users ADD COLUMN digest INTEGER NOT NULL DEFAULT 1;
