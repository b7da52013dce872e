-- A counter every write transaction raises (store::bump_version): readers compare it with the
-- version of their cached snapshot on every request. A row lock orders the raises by commit, which
-- MAX(revisions.seq) does not on PostgreSQL (identities are handed out before commit).
CREATE TABLE catalogue_version (
    id INTEGER PRIMARY KEY NOT NULL,
    n BIGINT NOT NULL
);
INSERT INTO catalogue_version (id, n) VALUES (1, 0);
