-- What the Feide API's service listing adds to a Feide service beyond the login facts: its
-- description, privacy policy links, areas of use, levels and about page, as the API's own JSON
-- object; NULL for a service only ever fetched one by one.
ALTER TABLE feide_services ADD COLUMN details TEXT;

-- Which registry vendor each Feide service provider is. `state`: `matched` (the organisation
-- number Feide gives for the provider is a vendor's), `pending` (no such number or no such
-- vendor: an administrator decides), `confirmed` or `rejected` (an administrator decided).
-- A name alone never matches: `proposed_vendor_id` is only a suggestion for the administrator.
CREATE TABLE feide_providers (
    provider_id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    org_number TEXT,
    vendor_id TEXT REFERENCES vendors (id),
    proposed_vendor_id TEXT REFERENCES vendors (id),
    state TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    error TEXT
);
