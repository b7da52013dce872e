-- The catalogue version (store::catalogue_version) is checked on every read: these keep its
-- MAX(updated_at) aggregates to an index lookup at any catalogue size.
CREATE INDEX vendors_updated_at ON vendors (updated_at);
CREATE INDEX sub_processors_updated_at ON sub_processors (updated_at);
