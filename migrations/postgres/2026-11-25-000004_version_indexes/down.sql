DROP INDEX vendors_updated_at;
DROP INDEX sub_processors_updated_at;
