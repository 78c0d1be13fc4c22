-- What ingestion learns about an article beyond its text. `date_only`: the source gave a date
-- without a time of day, so the post shows the date alone rather than a made-up midnight.
-- `hold_reason`: why the article must not go out automatically (an advert, no date of its own,
-- text that could not be repaired); the publisher skips it with that reason and an editor may
-- still post it by hand. Rows the site inserts directly get the defaults.
ALTER TABLE articles ADD COLUMN date_only INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN hold_reason TEXT;
