ALTER TABLE sub_processor_use_locations DROP COLUMN evidence;
ALTER TABLE sub_processor_use_locations DROP COLUMN basis;
ALTER TABLE service_locations DROP COLUMN evidence;
ALTER TABLE service_locations DROP COLUMN basis;
