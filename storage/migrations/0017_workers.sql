-- Several `newsdesk` processes on one store (workers, `newsdesk publish`): each registers here
-- and refreshes its heartbeat. A row whose heartbeat is older than the lease's time-to-live (or
-- whose process is gone on this host) belongs to a dead process.
CREATE TABLE workers (
    id           TEXT PRIMARY KEY,
    hostname     TEXT    NOT NULL,
    pid          INTEGER NOT NULL,
    command      TEXT    NOT NULL,
    started_at   TEXT    NOT NULL,
    heartbeat_at TEXT    NOT NULL
);

-- Who claimed a row now `sending` (a worker's id): recovery turns into `uncertain` only the
-- rows of a process that is gone, never a live worker's send in flight. NULL: claimed before
-- this version, by a process that is gone by now.
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
ALTER TABLE alert_recipients ADD COLUMN claimed_by TEXT;
ALTER TABLE insight_sends ADD COLUMN claimed_by TEXT;
