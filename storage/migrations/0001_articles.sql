-- The articles table is a public interface: the site's own systems may insert rows directly,
-- so every bookkeeping column has a default and delivery state lives elsewhere.
CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    guid         TEXT    NOT NULL UNIQUE,
    url          TEXT,
    title        TEXT    NOT NULL,
    category     TEXT,
    byline       TEXT,
    published_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    summary      TEXT,
    body         TEXT,
    image_url    TEXT,
    language     TEXT,
    source       TEXT,
    is_breaking  INTEGER NOT NULL DEFAULT 0 CHECK (is_breaking IN (0, 1)),
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX articles_published_at ON articles (published_at);
