ALTER TABLE attributes DROP COLUMN sensitivity_note_en;
ALTER TABLE attributes DROP COLUMN sensitivity_note_nn;
ALTER TABLE attributes DROP COLUMN sensitivity_note_nb;
