-- One row per lease name: which process runs the bot on this database. A row whose holder
-- stopped heart-beating (or whose process is gone on this host) may be taken over.
CREATE TABLE instance_lease (
    name         TEXT PRIMARY KEY,
    holder       TEXT    NOT NULL,
    hostname     TEXT    NOT NULL,
    pid          INTEGER NOT NULL,
    acquired_at  TEXT    NOT NULL,
    heartbeat_at TEXT    NOT NULL
);
