-- Small facts the bot must remember across restarts: publishing paused (and why), the
-- channel's id after a migration, when the admins were last told about an outage.
CREATE TABLE bot_state (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
