DELETE FROM service_texts WHERE kind NOT IN ('purpose', 'data_subject', 'personal_data');
ALTER TABLE service_terms DROP COLUMN conflicts;
ALTER TABLE sub_processor_uses DROP COLUMN transfer_evidence;
ALTER TABLE sub_processor_uses DROP COLUMN transfer_mechanisms;
