-- Channel posts an article had before a later post replaced it in `deliveries` (an editor pushed
-- an already-posted article as breaking news). Retracting the article deletes these too.
CREATE TABLE superseded_posts (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    chat_id    TEXT    NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);

CREATE INDEX superseded_posts_article ON superseded_posts (article_id);
