-- Admins: retracted articles, the audit log, held commands, breaking previews and posts, alerts.

-- Set when an editor retracts a story; subscribers' reads (storage/search.py `Visibility`) treat
-- a retracted article as gone. Nullable, so the site's own inserts need not know about it.
ALTER TABLE articles ADD COLUMN retracted_at TEXT;

-- Every admin action, accepted or refused: who, what, when, and how it ended. Kept for /audit.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       TEXT    NOT NULL,
    actor_id INTEGER NOT NULL,
    actor    TEXT    NOT NULL,
    action   TEXT    NOT NULL,
    target   TEXT    NOT NULL DEFAULT '',
    result   TEXT    NOT NULL
);

-- An admin command that waited in Telegram's queue while the bot was down is not run; it waits
-- here for the admin to confirm it again (or to let it expire).
CREATE TABLE held_commands (
    id            INTEGER PRIMARY KEY,
    actor_id      INTEGER NOT NULL,
    command       TEXT    NOT NULL,
    args          TEXT    NOT NULL,
    photo_file_id TEXT,
    sent_at       TEXT    NOT NULL,
    held_at       TEXT    NOT NULL,
    state         TEXT    NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'run', 'dropped'))
);

-- A breaking item between the editor's /breaking and the Publish press. `state` moves
-- open → publishing → published / failed, or open → cancelled; the move out of `open` is one
-- conditional UPDATE, which is what makes a second press of Publish a no-op.
CREATE TABLE breaking_previews (
    id            INTEGER PRIMARY KEY,
    actor_id      INTEGER NOT NULL,
    text          TEXT,
    photo_file_id TEXT,
    article_id    INTEGER REFERENCES articles (id) ON DELETE SET NULL,
    fingerprint   TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    state         TEXT    NOT NULL DEFAULT 'open' CHECK (
        state IN ('open', 'publishing', 'published', 'failed', 'cancelled')
    ),
    decided_at    TEXT,
    message_id    INTEGER
);

-- "The same text published in the last 10 minutes" looks here.
CREATE INDEX breaking_previews_recent ON breaking_previews (fingerprint, decided_at)
    WHERE state = 'published';

-- Channel posts made as breaking news: their pin, and when it is due to come off.
CREATE TABLE breaking_posts (
    article_id    INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    chat_id       TEXT    NOT NULL,
    message_id    INTEGER NOT NULL,
    photo_file_id TEXT,
    posted_at     TEXT    NOT NULL,
    pinned        INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    unpin_at      TEXT
);

CREATE INDEX breaking_posts_unpin ON breaking_posts (unpin_at) WHERE pinned = 1;

-- One breaking alert by private message, and one row per (alert, recipient). A recipient row is
-- claimed (`sending`) and committed before its message goes out, so a crash leaves evidence and
-- a restart never sends it again: such rows become `uncertain`.
CREATE TABLE alerts (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    post_url    TEXT,
    created_at  TEXT    NOT NULL,
    finished_at TEXT
);

CREATE TABLE alert_recipients (
    alert_id   INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    language   TEXT,
    state      TEXT    NOT NULL DEFAULT 'pending' CHECK (
        state IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'uncertain')
    ),
    error      TEXT,
    updated_at TEXT,
    PRIMARY KEY (alert_id, user_id)
) WITHOUT ROWID;

CREATE INDEX alert_recipients_pending ON alert_recipients (alert_id, state);
