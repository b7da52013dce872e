DROP TABLE feide_providers;
ALTER TABLE feide_services DROP COLUMN details;
