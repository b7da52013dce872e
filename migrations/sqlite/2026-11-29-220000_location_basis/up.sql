-- Where a location comes from: `stated` (the agreement says the data is stored or processed
-- there) or `establishment` (the country of the company's registered address; the agreement says
-- nothing about where data goes), with the agreement's words. Rows written before were entered
-- as stated.
ALTER TABLE service_locations ADD COLUMN basis TEXT NOT NULL DEFAULT 'stated';
ALTER TABLE service_locations ADD COLUMN evidence TEXT;
ALTER TABLE sub_processor_use_locations ADD COLUMN basis TEXT NOT NULL DEFAULT 'stated';
ALTER TABLE sub_processor_use_locations ADD COLUMN evidence TEXT;
