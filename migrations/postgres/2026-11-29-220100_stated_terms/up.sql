-- Terms as the agreement states them (quantity, unit, bound, condition, action), as JSON like
-- `evidence`, and the deadline to ask for the data back after the end.
ALTER TABLE service_terms ADD COLUMN return_request_days INTEGER;
ALTER TABLE service_terms ADD COLUMN stated TEXT NOT NULL DEFAULT '{}';
