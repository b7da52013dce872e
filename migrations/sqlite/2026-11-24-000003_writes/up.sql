-- API clients, revisions (history and the change feed) and the audit log.
-- Only the sequence columns differ from migrations/postgres: SQLite's rowid vs PostgreSQL's identity.

CREATE TABLE api_clients (
    client_id TEXT PRIMARY KEY NOT NULL,
    -- argon2id PHC string; the secret itself is never stored
    secret_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    vendor_id TEXT REFERENCES vendors (id),
    description TEXT,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- One row per stored version of a service or vendor; `seq` orders the catalogue-wide change feed.
CREATE TABLE revisions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    client_id TEXT,
    action TEXT NOT NULL,
    -- JSON: {"field": {"from": ..., "to": ...}} for every top-level field that changed
    diff TEXT NOT NULL
);
CREATE UNIQUE INDEX revisions_entity ON revisions (entity, entity_id, revision);

CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT,
    client_id TEXT,
    source TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    outcome INTEGER NOT NULL,
    detail TEXT
);
CREATE INDEX audit_events_at ON audit_events (at);
