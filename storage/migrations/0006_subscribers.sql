-- Subscribers: who talks to the bot, what they saved, and a full-text index over the articles.

-- One row per Telegram user the bot has seen (a ⭐ press is enough). `language` is the user's
-- /language choice and overrides `language_code`, the last code Telegram sent for them.
-- `active` drops to 0 when Telegram says the user blocked the bot or the chat is gone.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    language      TEXT,
    language_code TEXT,
    alerts_opt_in INTEGER NOT NULL DEFAULT 0 CHECK (alerts_opt_in IN (0, 1)),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    first_seen    TEXT    NOT NULL,
    last_seen     TEXT    NOT NULL
);

-- The breaking-news alert fan-out walks exactly these rows.
CREATE INDEX users_alert_recipients ON users (id) WHERE alerts_opt_in = 1 AND active = 1;

-- No foreign key to users: a ⭐ press is saved before (or without) the user row being written.
-- A ⭐ press flips `saved` in one upsert (a burst of presses is one statement, which is what keeps
-- the store off the hot path), so a removed favorite stays as a row with saved = 0 until saved
-- again; `saved_at` is when it was last saved.
CREATE TABLE favorites (
    user_id    INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    saved_at   TEXT    NOT NULL,
    saved      INTEGER NOT NULL DEFAULT 1 CHECK (saved IN (0, 1)),
    PRIMARY KEY (user_id, article_id)
) WITHOUT ROWID;

CREATE INDEX favorites_by_user_time ON favorites (user_id, saved_at DESC) WHERE saved = 1;
-- Deleting an article must not scan every favorite to cascade.
CREATE INDEX favorites_by_article ON favorites (article_id);

-- The site may delete articles on a connection without `PRAGMA foreign_keys`; a trigger fires
-- either way, so no favorite outlives its article.
CREATE TRIGGER articles_delete_favorites AFTER DELETE ON articles BEGIN
    DELETE FROM favorites WHERE article_id = old.id;
END;

-- /latest <category> and /categories read posted articles of one category, newest first.
CREATE INDEX articles_category_published ON articles (category, published_at);

-- Arabic search must not depend on vowel marks: unicode61's remove_diacritics does not strip
-- tashkeel (U+064B–U+0652), the superscript alef (U+0670) or tatweel (U+0640), and readers type
-- hamza-less alefs (أ إ آ ٱ → ا) and ى for ي. This view is the one SQL spelling of that folding;
-- `storage.search.fold_arabic` is the Python spelling for queries, and a test keeps them equal.
-- Built-in functions only, so the site's own connections can write `articles` unchanged.
CREATE VIEW articles_search_text AS
SELECT id,
       replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
       replace(replace(replace(replace(replace(title,
           char(0x064B), ''), char(0x064C), ''), char(0x064D), ''), char(0x064E), ''),
           char(0x064F), ''), char(0x0650), ''), char(0x0651), ''), char(0x0652), ''),
           char(0x0640), ''), char(0x0670), ''), char(0x0622), char(0x0627)),
           char(0x0623), char(0x0627)), char(0x0625), char(0x0627)), char(0x0671), char(0x0627)),
           char(0x0649), char(0x064A)) AS title,
       replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
       replace(replace(replace(replace(replace(summary,
           char(0x064B), ''), char(0x064C), ''), char(0x064D), ''), char(0x064E), ''),
           char(0x064F), ''), char(0x0650), ''), char(0x0651), ''), char(0x0652), ''),
           char(0x0640), ''), char(0x0670), ''), char(0x0622), char(0x0627)),
           char(0x0623), char(0x0627)), char(0x0625), char(0x0627)), char(0x0671), char(0x0627)),
           char(0x0649), char(0x064A)) AS summary,
       replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
       replace(replace(replace(replace(replace(body,
           char(0x064B), ''), char(0x064C), ''), char(0x064D), ''), char(0x064E), ''),
           char(0x064F), ''), char(0x0650), ''), char(0x0651), ''), char(0x0652), ''),
           char(0x0640), ''), char(0x0670), ''), char(0x0622), char(0x0627)),
           char(0x0623), char(0x0627)), char(0x0625), char(0x0627)), char(0x0671), char(0x0627)),
           char(0x0649), char(0x064A)) AS body
FROM articles;

-- The index holds the folded copy; its rowid is the article id. Triggers (not application code)
-- keep it in step, because the site inserts and updates `articles` directly.
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, summary, body,
    tokenize = "unicode61 remove_diacritics 2"
);

-- The leading DELETE makes a re-used id (INSERT OR REPLACE, whose implicit delete fires no
-- trigger unless recursive_triggers is on) replace its old entry instead of doubling it.
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = new.id;
    INSERT INTO articles_fts (rowid, title, summary, body)
        SELECT id, title, summary, body FROM articles_search_text WHERE id = new.id;
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF id, title, summary, body ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid IN (old.id, new.id);
    INSERT INTO articles_fts (rowid, title, summary, body)
        SELECT id, title, summary, body FROM articles_search_text WHERE id = new.id;
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.id;
END;

-- Articles stored before this version.
INSERT INTO articles_fts (rowid, title, summary, body)
    SELECT id, title, summary, body FROM articles_search_text;
