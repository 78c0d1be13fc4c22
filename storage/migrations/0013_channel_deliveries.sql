-- Editions: one desk, several channels. Delivery state is kept per (article, channel), so an
-- article goes out exactly once to each channel that takes it. `channel` is the configured
-- channel's name; rows written before this version get '' and the publisher adopts them as the
-- first configured channel's at start (storage.deliveries `adopt_unnamed`). A row with channel
-- '*' records that no configured channel takes the article (skipped with the reason).
CREATE TABLE deliveries_by_channel (
    article_id      INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    channel         TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL CHECK (
        state IN ('pending', 'sending', 'posted', 'failed', 'skipped', 'uncertain')
    ),
    chat_id         TEXT,
    message_id      INTEGER,
    posted_at       TEXT,
    has_photo       INTEGER NOT NULL DEFAULT 0,
    content_hash    TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error      TEXT,
    skip_reason     TEXT,
    updated_at      TEXT    NOT NULL,
    reported_at     TEXT,
    PRIMARY KEY (article_id, channel)
);

INSERT INTO deliveries_by_channel (article_id, channel, state, chat_id, message_id, posted_at,
    has_photo, content_hash, attempts, next_attempt_at, last_error, skip_reason, updated_at,
    reported_at)
SELECT article_id, '', state, chat_id, message_id, posted_at, has_photo, content_hash, attempts,
    next_attempt_at, last_error, skip_reason, updated_at, reported_at
FROM deliveries;

DROP TABLE deliveries;
ALTER TABLE deliveries_by_channel RENAME TO deliveries;
CREATE INDEX deliveries_state ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_channel ON deliveries (channel, state, next_attempt_at);

-- A breaking post, its pin and its unpin time, per channel.
CREATE TABLE breaking_posts_by_channel (
    article_id    INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    channel       TEXT    NOT NULL DEFAULT '',
    chat_id       TEXT    NOT NULL,
    message_id    INTEGER NOT NULL,
    photo_file_id TEXT,
    posted_at     TEXT    NOT NULL,
    pinned        INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    unpin_at      TEXT,
    PRIMARY KEY (article_id, channel)
);

INSERT INTO breaking_posts_by_channel (article_id, channel, chat_id, message_id, photo_file_id,
    posted_at, pinned, unpin_at)
SELECT article_id, '', chat_id, message_id, photo_file_id, posted_at, pinned, unpin_at
FROM breaking_posts;

DROP TABLE breaking_posts;
ALTER TABLE breaking_posts_by_channel RENAME TO breaking_posts;
CREATE INDEX breaking_posts_unpin ON breaking_posts (unpin_at) WHERE pinned = 1;

-- Which channel a replaced post was in (its chat id alone changes when a channel migrates).
ALTER TABLE superseded_posts ADD COLUMN channel TEXT NOT NULL DEFAULT '';
