-- A vendor's announcement of a change to a service's sub-processors, with the objection clock
-- computed from the agreement's terms as they stood when it was announced (frozen here: a later
-- change of the terms does not move a deadline already given). `body` is the announced change
-- as JSON (`changes` and `new_sub_processors`); dates are ISO 8601 text, which sorts as it reads.
CREATE TABLE announcements (
    id TEXT PRIMARY KEY NOT NULL,
    service_id TEXT NOT NULL,
    vendor_id TEXT NOT NULL,
    status TEXT NOT NULL,
    summary TEXT,
    body TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    announced_at TEXT NOT NULL,
    announced_by TEXT NOT NULL,
    client_id TEXT,
    notice_days INTEGER NOT NULL,
    change_rule TEXT,
    required_notice_days INTEGER,
    objection_days INTEGER,
    objection_deadline TEXT,
    short_notice BOOLEAN NOT NULL,
    updated_at TEXT NOT NULL,
    withdrawn_at TEXT,
    applied_at TEXT,
    applied_revision INTEGER,
    failure TEXT
);
CREATE INDEX announcements_due ON announcements (status, effective_date);
CREATE INDEX announcements_service ON announcements (service_id, announced_at);

-- What each controller answered to an announcement (object or accept), one answer per responder
-- (a municipality's id); written once municipalities exist as entries.
CREATE TABLE announcement_responses (
    announcement_id TEXT NOT NULL REFERENCES announcements (id),
    responder TEXT NOT NULL,
    response TEXT NOT NULL,
    note TEXT,
    responded_at TEXT NOT NULL,
    client_id TEXT,
    PRIMARY KEY (announcement_id, responder)
);

-- Leases of the registry's own scheduled tasks, one row per task: a process takes a row with a
-- conditional UPDATE (only when free or expired) so that one process at a time runs the task.
CREATE TABLE task_leases (
    name TEXT PRIMARY KEY NOT NULL,
    holder TEXT,
    expires_at TEXT
);
INSERT INTO task_leases (name, holder, expires_at) VALUES ('announcements.apply', NULL, NULL);
