-- Which worker took each webhook update in (`workers.id`, the id its lease and claims carry).
-- A worker killed after recording an id and before handing the update on leaves the id taken
-- by a process that is gone: Telegram's redelivery (no 2xx came) re-takes it instead of
-- skipping it (storage/webhook_updates.py). NULL: recorded before this version, when a record
-- meant "handed on"; such ids stay seen.
ALTER TABLE webhook_updates ADD COLUMN taken_by TEXT;
