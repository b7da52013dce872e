-- The catalogue's tables. Kept column-for-column identical to migrations/postgres (a test compares
-- the two schemas); only types differ where the engines differ.
-- Times are RFC 3339 UTC text, so one diesel query serves both engines and sorts correctly.

CREATE TABLE countries (
    code TEXT PRIMARY KEY NOT NULL,
    name_nb TEXT NOT NULL,
    name_nn TEXT NOT NULL,
    name_en TEXT NOT NULL,
    eea BOOLEAN NOT NULL,
    eu BOOLEAN NOT NULL,
    adequacy TEXT NOT NULL,
    adequacy_decision TEXT,
    adequacy_note TEXT
);

CREATE TABLE attributes (
    name TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL,
    oid TEXT,
    category TEXT NOT NULL,
    sensitivity TEXT NOT NULL,
    multi_valued BOOLEAN NOT NULL,
    description_nb TEXT NOT NULL,
    description_nn TEXT NOT NULL,
    description_en TEXT NOT NULL,
    source TEXT
);

CREATE TABLE oidc_scopes (
    scope TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL,
    justification_required BOOLEAN NOT NULL,
    description_nb TEXT NOT NULL,
    description_nn TEXT NOT NULL,
    description_en TEXT NOT NULL
);

CREATE TABLE scope_attributes (
    scope TEXT NOT NULL REFERENCES oidc_scopes (scope),
    attribute_name TEXT NOT NULL REFERENCES attributes (name),
    PRIMARY KEY (scope, attribute_name)
);

CREATE TABLE vendors (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    org_number TEXT,
    country TEXT REFERENCES countries (code),
    address TEXT,
    contact_name TEXT,
    contact_email TEXT,
    contact_phone TEXT,
    website TEXT,
    revision INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE sub_processors (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    legal_name TEXT,
    org_number TEXT,
    registration_number TEXT,
    country TEXT REFERENCES countries (code),
    address TEXT,
    website TEXT,
    updated_at TEXT NOT NULL
);

CREATE TABLE services (
    id TEXT PRIMARY KEY NOT NULL,
    vendor_id TEXT NOT NULL REFERENCES vendors (id),
    name TEXT NOT NULL,
    description TEXT,
    website TEXT,
    status TEXT NOT NULL,
    revision INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX services_vendor ON services (vendor_id);

-- purposes, data subjects and personal-data categories: ordered lists of text per service
CREATE TABLE service_texts (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (service_id, kind, position)
);

CREATE TABLE service_attributes (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    attribute_name TEXT NOT NULL REFERENCES attributes (name),
    position INTEGER NOT NULL,
    justification TEXT,
    PRIMARY KEY (service_id, attribute_name)
);
CREATE INDEX service_attributes_attribute ON service_attributes (attribute_name);

CREATE TABLE service_scopes (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    scope TEXT NOT NULL REFERENCES oidc_scopes (scope),
    position INTEGER NOT NULL,
    justification TEXT,
    PRIMARY KEY (service_id, scope)
);

CREATE TABLE service_locations (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    country TEXT NOT NULL REFERENCES countries (code),
    role TEXT NOT NULL,
    facility TEXT,
    PRIMARY KEY (service_id, position)
);

CREATE TABLE sub_processor_uses (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    sub_processor_id TEXT NOT NULL REFERENCES sub_processors (id),
    purpose TEXT,
    transfer_mechanism TEXT NOT NULL,
    PRIMARY KEY (service_id, position)
);
CREATE INDEX sub_processor_uses_sub_processor ON sub_processor_uses (sub_processor_id);

CREATE TABLE sub_processor_use_locations (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    use_position INTEGER NOT NULL,
    position INTEGER NOT NULL,
    country TEXT NOT NULL REFERENCES countries (code),
    role TEXT NOT NULL,
    PRIMARY KEY (service_id, use_position, position)
);

CREATE TABLE service_terms (
    service_id TEXT PRIMARY KEY NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    deletion_days_after_end INTEGER,
    backup_deletion_days INTEGER,
    inactivity_deletion_days INTEGER,
    breach_notice_hours INTEGER,
    breach_notice TEXT,
    sub_processor_change TEXT,
    sub_processor_notice_days INTEGER,
    objection_days INTEGER,
    termination_notice_days INTEGER,
    log_retention_days INTEGER,
    security_audit_months INTEGER,
    security_level TEXT,
    governing_law TEXT,
    venue TEXT,
    -- the agreement's own words for each term, as a JSON object keyed by term name
    evidence TEXT NOT NULL
);

CREATE TABLE service_sources (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    date TEXT,
    url TEXT,
    document TEXT,
    controller TEXT,
    controller_org_number TEXT,
    PRIMARY KEY (service_id, position)
);
