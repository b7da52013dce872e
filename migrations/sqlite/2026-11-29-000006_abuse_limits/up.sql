-- Refusals of callers with no valid identity are kept as one row per source, minute and kind,
-- with how many there were, instead of one row each.
ALTER TABLE audit_events ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
-- An organisation number is a vendor's identity in Maskinporten: one vendor per number.
-- (Stored normalised, nine digits; NULLs do not clash.)
CREATE UNIQUE INDEX vendors_org_number_unique ON vendors (org_number);
