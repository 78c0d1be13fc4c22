-- Delivery state of each article to the channel, apart from the article row so that a row the
-- site inserts directly is simply "new" (no delivery yet). What was posted is recorded here
-- together with the message id, in the same write.
CREATE TABLE deliveries (
    article_id      INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
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
    updated_at      TEXT    NOT NULL
);

CREATE INDEX deliveries_state ON deliveries (state, next_attempt_at);
