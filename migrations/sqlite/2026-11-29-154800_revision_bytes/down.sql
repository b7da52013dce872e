DROP INDEX revisions_actor_at;
ALTER TABLE revisions DROP COLUMN diff_bytes;
