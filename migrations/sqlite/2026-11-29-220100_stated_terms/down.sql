ALTER TABLE service_terms DROP COLUMN stated;
ALTER TABLE service_terms DROP COLUMN return_request_days;
