-- Municipalities (the controllers) and the services each uses (issue 14). Both keep revisions
-- like catalogue entries: the entry's own row carries its revision; history rows go to
-- `revisions` (entities `municipality` and `portfolio_entry`).
CREATE TABLE municipalities (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    -- identifies the municipality to Maskinporten: one municipality per number
    org_number TEXT NOT NULL UNIQUE,
    municipality_number TEXT UNIQUE,
    kind TEXT NOT NULL,
    portfolio TEXT NOT NULL,
    revision INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- One row per municipality and service, keyed `municipality/service` so that the revision
-- machinery's one-column id holds it. A removed entry keeps its row (and revision count), so
-- that its history goes on if the service comes back.
CREATE TABLE portfolio_entries (
    id TEXT PRIMARY KEY NOT NULL,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    service_id TEXT NOT NULL REFERENCES services (id),
    local_status TEXT NOT NULL,
    agreement_signed_on TEXT,
    dpia_done_on TEXT,
    next_review_due TEXT,
    source_title TEXT,
    source_date TEXT,
    source_url TEXT,
    note TEXT,
    removed BOOLEAN NOT NULL DEFAULT FALSE,
    revision INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (municipality_id, service_id)
);
CREATE INDEX portfolio_entries_service ON portfolio_entries (service_id);

ALTER TABLE api_clients ADD COLUMN municipality_id TEXT REFERENCES municipalities (id);
