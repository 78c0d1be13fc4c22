-- The updates taken in over the webhook, by Telegram's update_id. Telegram POSTs an update again
-- when it got no 2xx answer in time — possibly to another worker — so the worker whose INSERT
-- records the id first handles it and every later delivery of that id is only acknowledged.
-- Ids older than a day are pruned (Telegram keeps an undelivered update for 24 hours at most).
CREATE TABLE webhook_updates (
    update_id   INTEGER PRIMARY KEY,
    received_at TEXT    NOT NULL
);
CREATE INDEX webhook_updates_by_time ON webhook_updates (received_at);
