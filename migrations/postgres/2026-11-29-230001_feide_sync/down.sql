DROP TABLE feide_sync_lease;
DROP TABLE feide_services;
