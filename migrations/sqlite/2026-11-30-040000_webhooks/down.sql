DELETE FROM task_leases WHERE name = 'webhooks.fan-out';
DROP TABLE webhook_deliveries;
DROP TABLE webhook_events;
DROP TABLE webhook_subscriptions;
