DROP TABLE task_leases;
DROP TABLE announcement_responses;
DROP TABLE announcements;
