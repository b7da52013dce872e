-- SQLite has no time type: its moments stay RFC 3339 text with microseconds and `Z`, which
-- src/store/moment.rs reads and writes. This migration keeps both engines' lists in step.
SELECT 1;
