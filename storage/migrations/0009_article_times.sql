-- The site may write `articles` rows itself, with SQLite's datetime('now') ("2026-11-27 09:30:00"),
-- an offset ("…+03:00") or no fraction. Times are compared as text in SQL (ordering, backlog,
-- corrections), so they are normalised to ISO 8601 UTC with milliseconds, as newsdesk writes them.
-- A content change that does not bump updated_at (an edit in the CMS) bumps it here, so the
-- channel post is corrected.
CREATE TRIGGER articles_times_on_insert AFTER INSERT ON articles
WHEN NEW.published_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
  OR NEW.created_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
  OR NEW.updated_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
BEGIN
    UPDATE articles SET
        published_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', NEW.published_at), NEW.published_at),
        created_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', NEW.created_at), NEW.created_at),
        updated_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', NEW.updated_at), NEW.updated_at)
    WHERE id = NEW.id;
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
    UPDATE articles SET
        published_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', NEW.published_at), NEW.published_at),
        updated_at = CASE
            WHEN NEW.updated_at = OLD.updated_at THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', NEW.updated_at), NEW.updated_at)
        END
    WHERE id = NEW.id;
END;

UPDATE articles SET
    published_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', published_at), published_at),
    updated_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at);
