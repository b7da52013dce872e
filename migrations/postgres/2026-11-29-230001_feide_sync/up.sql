-- What the Feide API last said about each linked Feide service (/2/sp/{id}), kept per Feide id
-- so that a failed fetch leaves the last good answer in place. `attributes`, `name` and
-- `provider` are the API's own JSON; NULL until the first good answer.
CREATE TABLE feide_services (
    feide_id TEXT PRIMARY KEY NOT NULL,
    name TEXT,
    provider TEXT,
    attributes TEXT,
    etag TEXT,
    last_modified TEXT,
    fetched_at TIMESTAMPTZ,
    checked_at TIMESTAMPTZ NOT NULL,
    error TEXT
);

-- One sync at a time across every process on this database: a process takes the single row
-- with a conditional UPDATE (only when free or expired) and frees it when done.
CREATE TABLE feide_sync_lease (
    id INTEGER PRIMARY KEY NOT NULL,
    holder TEXT,
    expires_at TIMESTAMPTZ
);
INSERT INTO feide_sync_lease (id, holder, expires_at) VALUES (1, NULL, NULL);
