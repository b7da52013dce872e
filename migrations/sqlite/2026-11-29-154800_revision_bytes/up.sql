-- The size of each revision's diff, so that history and change-feed pages are cut by bytes
-- without reading the diffs, and a vendor's daily budget of revision bytes is one indexed sum.
ALTER TABLE revisions ADD COLUMN diff_bytes BIGINT NOT NULL DEFAULT 0;
UPDATE revisions SET diff_bytes = length(CAST(diff AS BLOB));
CREATE INDEX revisions_actor_at ON revisions (actor, at);
