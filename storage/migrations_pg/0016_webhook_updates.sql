-- The updates taken in over the webhook, by Telegram's update_id (as SQLite's 0016): the worker
-- whose INSERT … ON CONFLICT DO NOTHING records an id first handles the update; a redelivery of
-- it, to this worker or another, is only acknowledged. Pruned after a day.
CREATE TABLE webhook_updates (
    update_id   bigint PRIMARY KEY,
    received_at text   NOT NULL
);
CREATE INDEX webhook_updates_by_time ON webhook_updates (received_at);
