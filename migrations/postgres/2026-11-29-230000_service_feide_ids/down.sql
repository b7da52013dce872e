DROP TABLE service_feide_ids;
