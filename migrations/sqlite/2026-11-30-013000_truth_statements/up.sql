-- Several transfer bases for one sub-processor, with the agreement's words for them, and clauses
-- that state a term differently (as JSON like `evidence`). The agreement's other statements
-- (legal basis, access control, ...) and the registry's notes are new kinds of `service_texts`.
ALTER TABLE sub_processor_uses ADD COLUMN transfer_mechanisms TEXT NOT NULL DEFAULT '';
ALTER TABLE sub_processor_uses ADD COLUMN transfer_evidence TEXT;
ALTER TABLE service_terms ADD COLUMN conflicts TEXT NOT NULL DEFAULT '[]';
