ALTER TABLE api_clients DROP COLUMN municipality_id;
DROP TABLE portfolio_entries;
DROP TABLE municipalities;
