-- Insight: what readers did with each story. Numbers only — nothing here says who reacted, and
-- what a reader saved stays in `favorites`, which no editor's view lists by reader.

-- The latest reaction counts Telegram sent for one channel post (`message_reaction_count`
-- updates are anonymous totals, each the post's whole current state, not a change). Keyed by
-- the configured channel's name and the message id, as `deliveries` keys a post. `counts` is
-- JSON: {"👍": 12, "custom:5368…": 3, "paid": 1}. An update older than the stored one (Telegram
-- may deliver out of order after a retry) never overwrites it.
CREATE TABLE post_reactions (
    channel    TEXT    NOT NULL,
    message_id INTEGER NOT NULL,
    total      INTEGER NOT NULL CHECK (total >= 0),
    counts     TEXT    NOT NULL,
    counted_at TEXT    NOT NULL,
    PRIMARY KEY (channel, message_id)
) WITHOUT ROWID;

-- When a reader first saved the story: a ⭐ press that removes and saves again moves `saved_at`,
-- never this, so "saves in the first hour" counts readers, not presses. Rows from before this
-- version start with their last save time, the best there is.
ALTER TABLE favorites ADD COLUMN first_saved_at TEXT;
UPDATE favorites SET first_saved_at = saved_at;

-- A story's saves are counted from this index alone (no table lookup per favorite): /top, the
-- digest and the export count saves for hundreds of stories with up to a million favorites.
-- It replaces the plain index on article_id, which the cascade from articles still uses.
DROP INDEX favorites_by_article;
CREATE INDEX favorites_by_article ON favorites (article_id, saved, first_saved_at);

-- How many times a post was edited because its story changed (corrections), and the last time.
ALTER TABLE deliveries ADD COLUMN corrections INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN corrected_at TEXT;
-- /top, the digest, the weekly report and the export read posts by the time they went out
-- (a retracted story's post keeps its time and message id: the export lists it as retracted).
CREATE INDEX deliveries_posted ON deliveries (posted_at) WHERE posted_at IS NOT NULL;

-- When a reader first opened a private chat with the bot (/start or any message): the weekly
-- report counts readers who started the bot. A ⭐ press in the channel alone does not set it.
ALTER TABLE users ADD COLUMN started_at TEXT;

-- Scheduled insight sends (the daily digest per channel, the weekly report per editor), each
-- claimed once per period before it is sent, so a restart or a new leader never sends it twice.
-- `kind` is 'digest' or 'weekly'; `target` the channel's name or the editor's user id; `period`
-- the local day (2026-12-03) or ISO week (2026-W49). A row left 'sending' by a crash becomes
-- 'uncertain' and is reported, never re-sent.
CREATE TABLE insight_sends (
    kind       TEXT    NOT NULL CHECK (kind IN ('digest', 'weekly')),
    target     TEXT    NOT NULL,
    period     TEXT    NOT NULL,
    state      TEXT    NOT NULL CHECK (state IN ('sending', 'sent', 'skipped', 'uncertain')),
    message_id INTEGER,
    detail     TEXT,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (kind, target, period)
) WITHOUT ROWID;
