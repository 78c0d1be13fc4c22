-- Times the site writes into the public `articles` table, normalised at the door.
--
-- 0009 normalised only what SQLite's date functions read as they are. Rows the site wrote as
-- "2026-12-01 05:00:54 UTC", with a "+0300" offset, as epoch seconds, or out of range went
-- through unchanged, then sorted as text (wrong order) or made the publisher's reader raise.
-- The triggers below also read, in SQL: a UTC/GMT/UT/Z suffix, offsets as +HH:MM, +HHMM or
-- +HH, a lower-case "t", epoch seconds (9-11 digits, with or without a fraction) and epoch
-- milliseconds (12-14 digits); a date that does not exist (2026-02-31) is not accepted.
-- What SQL cannot read (RFC 822 "Tue, 01 Dec 2026 05:00:54 GMT", named zones, garbage) is kept
-- as written and flagged in `article_problems`; the publisher reads it with its tolerant
-- parser (storage/times.py) and writes the normalised time back, or quarantines the article
-- with the reason and tells the editors once (`reason`, `reported_at`). Rows a pass could not
-- load or render are recorded here too. Normalised text is ISO 8601 UTC with milliseconds,
-- which sorts correctly as text; only a real content change bumps updated_at.
CREATE TABLE article_problems (
    article_id  INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    reason      TEXT,
    reported_at TEXT
);

DROP TRIGGER articles_times_on_insert;
DROP TRIGGER articles_times_on_update;

CREATE TRIGGER articles_times_on_insert AFTER INSERT ON articles
WHEN NEW.published_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
  OR NEW.created_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
  OR NEW.updated_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
BEGIN
    UPDATE articles SET (published_at, created_at, updated_at) = (
        SELECT coalesce(max(CASE WHEN k = 1 THEN fixed END), NEW.published_at),
               coalesce(max(CASE WHEN k = 2 THEN fixed END), NEW.created_at),
               coalesce(max(CASE WHEN k = 3 THEN fixed END), NEW.updated_at)
        FROM (
            SELECT k, CASE
                WHEN t GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z' THEN t
                WHEN t NOT GLOB '*[^0-9]*' AND length(t) BETWEEN 9 AND 11
                    THEN strftime('%Y-%m-%dT%H:%M:%fZ', t, 'unixepoch')
                WHEN t NOT GLOB '*[^0-9]*' AND length(t) BETWEEN 12 AND 14
                    THEN strftime('%Y-%m-%dT%H:%M:%fZ', CAST(t AS INTEGER) / 1000.0, 'unixepoch')
                WHEN t GLOB '[0-9]*.[0-9]*' AND t NOT GLOB '*[^0-9.]*' AND t NOT GLOB '*.*.*'
                    AND instr(t, '.') BETWEEN 10 AND 12
                    THEN strftime('%Y-%m-%dT%H:%M:%fZ', CAST(t AS REAL), 'unixepoch')
                WHEN substr(o, 1, 10) GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                    AND date(julianday(substr(o, 1, 10))) = substr(o, 1, 10)
                    THEN strftime('%Y-%m-%dT%H:%M:%fZ', o)
            END AS fixed
            FROM (
                SELECT k, t, CASE
                    WHEN z GLOB '*[0-9 ][+-][0-9][0-9][0-9][0-9]'
                        THEN substr(z, 1, length(z) - 2) || ':' || substr(z, -2)
                    WHEN z GLOB '*[0-9]:[0-9][0-9]*[0-9][+-][0-9][0-9]' THEN z || ':00'
                    ELSE z
                END AS o
                FROM (
                    SELECT k, t, CASE
                        WHEN upper(t) GLOB '*[0-9 ]UTC' OR upper(t) GLOB '*[0-9 ]GMT'
                            THEN rtrim(substr(t, 1, length(t) - 3)) || 'Z'
                        WHEN upper(t) GLOB '*[0-9 ]UT' THEN rtrim(substr(t, 1, length(t) - 2)) || 'Z'
                        WHEN substr(t, 11, 1) = 't' THEN substr(t, 1, 10) || 'T' || substr(t, 12)
                        ELSE t
                    END AS z
                    FROM (SELECT 1 AS k, trim(NEW.published_at) AS t UNION ALL SELECT 2, trim(NEW.created_at) UNION ALL SELECT 3, trim(NEW.updated_at))
                )
            )
        )
    ) WHERE id = NEW.id;
    INSERT OR IGNORE INTO article_problems (article_id)
    SELECT id FROM articles WHERE id = NEW.id AND (
        published_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
        OR created_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
        OR updated_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z');
END;

CREATE TRIGGER articles_times_on_update AFTER UPDATE ON articles
WHEN NEW.published_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
  OR NEW.updated_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
  OR (NEW.updated_at = OLD.updated_at AND (
        NEW.title IS NOT OLD.title OR NEW.summary IS NOT OLD.summary
        OR NEW.body IS NOT OLD.body OR NEW.image_url IS NOT OLD.image_url
        OR NEW.category IS NOT OLD.category OR NEW.byline IS NOT OLD.byline
        OR NEW.url IS NOT OLD.url OR NEW.published_at IS NOT OLD.published_at))
BEGIN
    UPDATE articles SET (published_at, updated_at) = (
        SELECT coalesce(max(CASE WHEN k = 1 THEN fixed END), NEW.published_at),
               CASE WHEN NEW.updated_at = OLD.updated_at AND (
                        NEW.title IS NOT OLD.title OR NEW.summary IS NOT OLD.summary
                        OR NEW.body IS NOT OLD.body OR NEW.image_url IS NOT OLD.image_url
                        OR NEW.category IS NOT OLD.category OR NEW.byline IS NOT OLD.byline
                        OR NEW.url IS NOT OLD.url OR NEW.published_at IS NOT OLD.published_at)
                    THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                    ELSE coalesce(max(CASE WHEN k = 3 THEN fixed END), NEW.updated_at)
               END
        FROM (
            SELECT k, CASE
                WHEN t GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z' THEN t
                WHEN t NOT GLOB '*[^0-9]*' AND length(t) BETWEEN 9 AND 11
                    THEN strftime('%Y-%m-%dT%H:%M:%fZ', t, 'unixepoch')
                WHEN t NOT GLOB '*[^0-9]*' AND length(t) BETWEEN 12 AND 14
                    THEN strftime('%Y-%m-%dT%H:%M:%fZ', CAST(t AS INTEGER) / 1000.0, 'unixepoch')
                WHEN t GLOB '[0-9]*.[0-9]*' AND t NOT GLOB '*[^0-9.]*' AND t NOT GLOB '*.*.*'
                    AND instr(t, '.') BETWEEN 10 AND 12
                    THEN strftime('%Y-%m-%dT%H:%M:%fZ', CAST(t AS REAL), 'unixepoch')
                WHEN substr(o, 1, 10) GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                    AND date(julianday(substr(o, 1, 10))) = substr(o, 1, 10)
                    THEN strftime('%Y-%m-%dT%H:%M:%fZ', o)
            END AS fixed
            FROM (
                SELECT k, t, CASE
                    WHEN z GLOB '*[0-9 ][+-][0-9][0-9][0-9][0-9]'
                        THEN substr(z, 1, length(z) - 2) || ':' || substr(z, -2)
                    WHEN z GLOB '*[0-9]:[0-9][0-9]*[0-9][+-][0-9][0-9]' THEN z || ':00'
                    ELSE z
                END AS o
                FROM (
                    SELECT k, t, CASE
                        WHEN upper(t) GLOB '*[0-9 ]UTC' OR upper(t) GLOB '*[0-9 ]GMT'
                            THEN rtrim(substr(t, 1, length(t) - 3)) || 'Z'
                        WHEN upper(t) GLOB '*[0-9 ]UT' THEN rtrim(substr(t, 1, length(t) - 2)) || 'Z'
                        WHEN substr(t, 11, 1) = 't' THEN substr(t, 1, 10) || 'T' || substr(t, 12)
                        ELSE t
                    END AS z
                    FROM (SELECT 1 AS k, trim(NEW.published_at) AS t UNION ALL SELECT 3, trim(NEW.updated_at))
                )
            )
        )
    ) WHERE id = NEW.id;
    INSERT OR IGNORE INTO article_problems (article_id)
    SELECT id FROM articles WHERE id = NEW.id AND (
        published_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
        OR created_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
        OR updated_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z');
END;

-- Rows earlier versions left unreadable: this no-op update runs them through the new trigger
-- (no content changes, so updated_at is not bumped); what SQL still cannot read is flagged.
UPDATE articles SET published_at = published_at
WHERE published_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
   OR created_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
   OR updated_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z';
INSERT OR IGNORE INTO article_problems (article_id)
SELECT id FROM articles
WHERE published_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
   OR created_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
   OR updated_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z';
