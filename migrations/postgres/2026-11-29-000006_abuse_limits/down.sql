DROP INDEX vendors_org_number_unique;
ALTER TABLE audit_events DROP COLUMN count;
