-- Moments become `timestamptz`: compared and ordered as time, not as text that happens to sort
-- like time only while every writer spells it the same way. Every stored value is RFC 3339 with
-- microseconds, which PostgreSQL reads exactly.
ALTER TABLE vendors
    ALTER COLUMN created_at TYPE timestamptz USING created_at::timestamptz,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at::timestamptz;
ALTER TABLE sub_processors
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at::timestamptz;
ALTER TABLE services
    ALTER COLUMN created_at TYPE timestamptz USING created_at::timestamptz,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at::timestamptz;
ALTER TABLE api_clients
    ALTER COLUMN created_at TYPE timestamptz USING created_at::timestamptz,
    ALTER COLUMN revoked_at TYPE timestamptz USING revoked_at::timestamptz;
ALTER TABLE revisions
    ALTER COLUMN at TYPE timestamptz USING at::timestamptz;
ALTER TABLE audit_events
    ALTER COLUMN at TYPE timestamptz USING at::timestamptz;
