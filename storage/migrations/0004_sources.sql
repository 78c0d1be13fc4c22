-- Per-source fetch state, one row per configured source name. It survives restarts so that
-- conditional GET, back-off and the "failing for an hour" alert carry on where they were, and
-- so that a source's first fetch (which must not flood the channel) happens exactly once.
CREATE TABLE source_state (
    name                 TEXT PRIMARY KEY,
    etag                 TEXT,
    last_modified        TEXT,
    content_sha256       TEXT,
    entry_count          INTEGER NOT NULL DEFAULT 0,
    last_fetch_at        TEXT,
    last_success_at      TEXT,
    failing_since        TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    next_attempt_at      TEXT,
    last_error           TEXT,
    first_fetch_done     INTEGER NOT NULL DEFAULT 0 CHECK (first_fetch_done IN (0, 1)),
    alerted              INTEGER NOT NULL DEFAULT 0 CHECK (alerted IN (0, 1))
);
