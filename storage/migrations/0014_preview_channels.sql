-- Editions: a breaking preview remembers which channels the editor chose with its toggles, so
-- Publish posts there only, after a restart too. Names of configured channels, one per line,
-- in configuration order; NULL (a one-channel desk, and previews from before): the channels
-- routing sends the article to.
ALTER TABLE breaking_previews ADD COLUMN channels TEXT;
