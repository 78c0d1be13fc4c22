-- One pace per channel shared by every process posting to it (`newsdesk run`, `newsdesk
-- publish`): the send times of its latest posts, as a JSON array of Unix seconds, oldest first
-- (at most max_posts_per_minute of them), and the last answer given (`wait_seconds`: 0 or less
-- granted, otherwise how long the asker must wait). See storage/pace.py.
CREATE TABLE channel_pace (
    channel      TEXT PRIMARY KEY,
    sent         TEXT NOT NULL DEFAULT '[]',
    wait_seconds REAL NOT NULL DEFAULT 0
);

-- Whether the worker sends to Telegram: it receives updates (a webhook worker, or the polling
-- leader) or is a one-shot that sends (`publish`, `digest`). Only senders share the message
-- budget (bot/transport/shared_limiter.py); a polling follower sends nothing.
ALTER TABLE workers ADD COLUMN sends INTEGER NOT NULL DEFAULT 1;
