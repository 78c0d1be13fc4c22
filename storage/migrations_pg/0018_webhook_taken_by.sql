-- Which worker took each webhook update in (as SQLite's 0018): a redelivery of an id taken by
-- a worker that is gone re-takes it instead of skipping it. NULL: recorded before this
-- version, when a record meant "handed on"; such ids stay seen.
ALTER TABLE webhook_updates ADD COLUMN taken_by text;
