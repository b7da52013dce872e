-- What each raise of the catalogue version touched (store::bump_version), so that a process
-- holding the catalogue at version v can read only the entries written since, instead of the
-- whole catalogue. `kind` is service, vendor or sub_processor, or `all` for an import. Old rows
-- are pruned by the writes themselves; a reader further behind than what is kept reads anew.
CREATE TABLE catalogue_changes (
    version BIGINT NOT NULL,
    kind TEXT NOT NULL,
    entity_id TEXT NOT NULL
);
CREATE INDEX catalogue_changes_version ON catalogue_changes (version);
