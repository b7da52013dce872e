DROP TABLE audit_events;
DROP TABLE revisions;
DROP TABLE api_clients;
