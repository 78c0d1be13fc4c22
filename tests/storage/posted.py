"""Stories in the channel, written as the publisher leaves them, on either engine.

The storage tests of favorites, alerts and insight need articles that were posted (only those
can be saved or counted); these rows are what the publisher's repositories would have written,
in `$n` SQL that runs on both engines, so the tests do not depend on those repositories.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.articles import to_db_time
from storage.database import Database


async def post(
    db: Database, guid: str, *, channel: str = "news", at: datetime, message_id: int
) -> int:
    """Store an article published 10 minutes before `at`, posted in `channel` at `at`: its id."""
    async with db.write() as conn:
        article_id = int(
            await conn.fetchval(
                "INSERT INTO articles (guid, url, title, category, published_at) "
                "VALUES ($1, $1, $2, 'World', $3) RETURNING id",
                guid,
                f"Story {guid}",
                to_db_time(at - timedelta(minutes=10)),
            )
        )
        await conn.execute(
            "INSERT INTO deliveries (article_id, channel, state, chat_id, message_id, "
            "posted_at, content_hash, updated_at) VALUES ($1, $2, 'posted', '@news', $3, $4, "
            "'h', $4)",
            article_id,
            channel,
            message_id,
            to_db_time(at),
        )
    return article_id


async def retract(db: Database, article_id: int, *, at: datetime) -> None:
    """An editor's /retract as the store keeps it: the story marked, its posts skipped."""
    async with db.write() as conn:
        await conn.execute(
            "UPDATE articles SET retracted_at = $1 WHERE id = $2", to_db_time(at), article_id
        )
        await conn.execute(
            "UPDATE deliveries SET state = 'skipped', skip_reason = 'retracted', "
            "updated_at = $1 WHERE article_id = $2",
            to_db_time(at),
            article_id,
        )
