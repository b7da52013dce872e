-- The ids of a service in Feide's own service catalogue (the Feide API's service information,
-- /2/sp/{id}): a child list like the service's attributes, replaced with the service on a write.
CREATE TABLE service_feide_ids (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    feide_id TEXT NOT NULL,
    PRIMARY KEY (service_id, feide_id)
);
-- `feide_id=` filters and the sync look services up by Feide id.
CREATE INDEX service_feide_ids_by_feide_id ON service_feide_ids (feide_id);
