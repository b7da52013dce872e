-- Webhook subscriptions (Standard Webhooks), the outbox of events that writes put in their own
-- transaction, and one delivery row per event and subscription, whose id is the `webhook-id`
-- every attempt repeats. Only the sequence column and the moment type differ from
-- migrations/sqlite.
CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    owner_role TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    description TEXT,
    deadline_days INTEGER,
    secret TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    disabled_reason TEXT,
    disabled_at TIMESTAMPTZ,
    revision INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_subscriptions_owner ON webhook_subscriptions (owner_role, owner_id);

CREATE TABLE webhook_events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_type TEXT NOT NULL,
    service_id TEXT,
    vendor_id TEXT,
    municipality_id TEXT,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    dedupe TEXT,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT,
    last_status INTEGER,
    created_at TIMESTAMPTZ NOT NULL,
    retry_from TIMESTAMPTZ NOT NULL,
    last_attempt_at TIMESTAMPTZ,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    claimed_by TEXT,
    claimed_until TIMESTAMPTZ
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_of ON webhook_deliveries (subscription_id, created_at);
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (subscription_id, dedupe);

INSERT INTO task_leases (name, holder, expires_at) VALUES ('webhooks.fan-out', NULL, NULL);
