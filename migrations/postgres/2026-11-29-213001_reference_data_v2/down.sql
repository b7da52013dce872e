-- The corrected reference data stays: services refer to it.
SELECT 1;
