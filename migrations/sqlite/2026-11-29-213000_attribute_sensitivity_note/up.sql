-- Where the registry rates an attribute's sensitivity differently from Feide, the reason, in the
-- three languages the registry serves.
ALTER TABLE attributes ADD COLUMN sensitivity_note_nb TEXT;
ALTER TABLE attributes ADD COLUMN sensitivity_note_nn TEXT;
ALTER TABLE attributes ADD COLUMN sensitivity_note_en TEXT;
