"""SQL for breaking news: previews awaiting Publish, breaking posts and their pins, retraction.

A breaking article must never go out twice, nor silently as a routine post. Two writes here
make that so: `claim` moves a preview out of `open` in one conditional UPDATE (a double press
finds nothing to claim), and `hold_for_push` parks the article's delivery as pending far in the
future, so the routine pass leaves it alone until the editor's push claims it.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain import BreakingPost, Preview
from storage.articles import from_db_time, to_db_time
from storage.delivery_queries import HELD_UNTIL, UNROUTED
from storage.sql import Row, Sql, StoreConn

__all__ = ["HELD_UNTIL", "BreakingPostRepository", "PreviewRepository"]


_PREVIEW_COLUMNS = (
    "id, actor_id, text, photo_file_id, article_id, fingerprint, created_at, state, decided_at, "
    "message_id, channels"
)


def _preview(r: Row) -> Preview:
    return Preview(
        id=int(str(r[0])),
        actor_id=int(str(r[1])),
        text=r[2] if isinstance(r[2], str) else None,
        photo_file_id=r[3] if isinstance(r[3], str) else None,
        article_id=int(str(r[4])) if r[4] is not None else None,
        fingerprint=str(r[5]),
        created_at=from_db_time(str(r[6])),
        state=str(r[7]),
        decided_at=from_db_time(str(r[8])) if r[8] else None,
        message_id=int(str(r[9])) if r[9] is not None else None,
        channels=tuple(str(r[10]).split("\n")) if r[10] else (() if r[10] == "" else None),
    )


def _joined(channels: tuple[str, ...] | None) -> str | None:
    """Channel names as stored: one per line ('' for none chosen, NULL for routing's)."""
    return None if channels is None else "\n".join(channels)


class PreviewRepository:
    """All SQL on `breaking_previews`. Callers own the transaction for writes."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def create(
        self,
        *,
        actor_id: int,
        text: str | None,
        photo_file_id: str | None,
        article_id: int | None,
        fingerprint: str,
        now: datetime,
        channels: tuple[str, ...] | None = None,
    ) -> int:
        """Store a new open preview; return its id."""
        preview_id = await self._conn.fetchval(
            "INSERT INTO breaking_previews (actor_id, text, photo_file_id, article_id, "
            "fingerprint, created_at, channels) VALUES ($1, $2, $3, $4, $5, $6, $7) "
            "RETURNING id",
            actor_id,
            text,
            photo_file_id,
            article_id,
            fingerprint,
            to_db_time(now),
            _joined(channels),
        )
        return int(preview_id)

    async def get(self, preview_id: int) -> Preview | None:
        """One preview."""
        row = await self._conn.fetchrow(
            f"SELECT {_PREVIEW_COLUMNS} FROM breaking_previews WHERE id = $1", preview_id
        )
        return _preview(row) if row else None

    async def choose_channels(self, preview_id: int, channels: tuple[str, ...]) -> bool:
        """Store an open preview's channel choice; False if it is no longer open."""
        changed = await self._conn.execute(
            "UPDATE breaking_previews SET channels = $1 WHERE id = $2 AND state = 'open'",
            _joined(channels),
            preview_id,
        )
        return changed == 1

    async def decide(self, preview_id: int, state: str, *, now: datetime) -> bool:
        """Move an open preview to `state`; False if it is no longer open (a second press)."""
        # One conditional UPDATE: a second press (or process) waits for the first one's row lock
        # on PostgreSQL, re-checks `state` on the committed row and finds nothing to decide.
        changed = await self._conn.execute(
            "UPDATE breaking_previews SET state = $1, decided_at = $2 "
            "WHERE id = $3 AND state = 'open'",
            state,
            to_db_time(now),
            preview_id,
        )
        return changed == 1

    async def finish(
        self,
        preview_id: int,
        state: str,
        *,
        article_id: int | None,
        message_id: int | None,
        now: datetime,
    ) -> None:
        """Record how a claimed preview ended (published with its post, or failed)."""
        await self._conn.execute(
            "UPDATE breaking_previews SET state = $1, article_id = coalesce($2, article_id), "
            "message_id = $3, decided_at = $4 WHERE id = $5",
            state,
            article_id,
            message_id,
            to_db_time(now),
            preview_id,
        )

    async def stale_open(self, created_before: datetime) -> list[int]:
        """Open previews of stored articles too old to publish: their holds must be released."""
        rows = await self._conn.fetch(
            "SELECT id FROM breaking_previews WHERE state = 'open' AND article_id IS NOT NULL "
            "AND created_at < $1",
            to_db_time(created_before),
        )
        return [int(row[0]) for row in rows]

    async def published_since(self, fingerprint: str, since: datetime) -> datetime | None:
        """When the same item was last published, if after `since`."""
        last = await self._conn.fetchval(
            "SELECT max(decided_at) FROM breaking_previews WHERE fingerprint = $1 "
            "AND state = 'published' AND decided_at >= $2",
            fingerprint,
            to_db_time(since),
        )
        return from_db_time(str(last)) if last else None


class BreakingPostRepository:
    """All SQL on `breaking_posts`, and the article-level writes of a push or a retraction."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def hold_for_push(
        self, article_id: int, *, channels: tuple[str, ...], now: datetime
    ) -> None:
        """Keep the routine pass off an article in `channels` until an editor's push claims it.

        A skipped or uncertain article becomes pending again: the editor asked for it explicitly.
        A posted one stays posted (the push reposts it); one being sent is left alone.
        """
        await self._conn.executemany(
            "INSERT INTO deliveries (article_id, channel, state, next_attempt_at, updated_at) "
            "VALUES ($1, $2, 'pending', $3, $4) ON CONFLICT (article_id, channel) DO UPDATE SET "
            "state = 'pending', next_attempt_at = excluded.next_attempt_at, "
            "updated_at = excluded.updated_at "
            "WHERE deliveries.state IN ('pending', 'failed', 'skipped', 'uncertain')",
            [(article_id, channel, HELD_UNTIL, to_db_time(now)) for channel in channels],
        )
        await self._conn.execute(
            "DELETE FROM deliveries WHERE article_id = $1 AND channel = $2", article_id, UNROUTED
        )

    async def release_hold(self, article_id: int, *, now: datetime) -> None:
        """The push was cancelled: the article takes its normal turn in the queue again."""
        await self._conn.execute(
            "UPDATE deliveries SET next_attempt_at = NULL, updated_at = $1 "
            "WHERE article_id = $2 AND state = 'pending' AND next_attempt_at = $3",
            to_db_time(now),
            article_id,
            HELD_UNTIL,
        )

    async def mark_breaking(self, article_id: int) -> None:
        """The article is breaking news (for /breaking lists and later corrections)."""
        # updated_at is left alone on purpose: a bump would make the publisher "correct" the post.
        await self._conn.execute("UPDATE articles SET is_breaking = 1 WHERE id = $1", article_id)

    async def record(
        self,
        article_id: int,
        *,
        channel: str,
        chat_id: str,
        message_id: int,
        photo_file_id: str | None,
        pinned: bool,
        unpin_at: datetime | None,
        now: datetime,
    ) -> None:
        """Remember a breaking post (a push of the same article again replaces the record).

        The replaced record keeps its place among the article's posts (SQLite's former
        `INSERT OR REPLACE` moved it last; only `get` without a channel reads that order).
        """
        await self._conn.execute(
            "INSERT INTO breaking_posts (article_id, channel, chat_id, message_id, "
            "photo_file_id, posted_at, pinned, unpin_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            "ON CONFLICT (article_id, channel) DO UPDATE SET chat_id = excluded.chat_id, "
            "message_id = excluded.message_id, photo_file_id = excluded.photo_file_id, "
            "posted_at = excluded.posted_at, pinned = excluded.pinned, "
            "unpin_at = excluded.unpin_at",
            article_id,
            channel,
            chat_id,
            message_id,
            photo_file_id,
            to_db_time(now),
            int(pinned),
            to_db_time(unpin_at) if unpin_at else None,
        )

    async def get(self, article_id: int, channel: str | None = None) -> BreakingPost | None:
        """The breaking post of an article in `channel` (None: the first), if it was pushed."""
        posts = [
            post
            for post in await self.posts(article_id)
            if channel is None or post.channel == channel
        ]
        return posts[0] if posts else None

    async def posts(self, article_id: int) -> list[BreakingPost]:
        """The breaking posts of an article, one per channel it was pushed to."""
        rows = await self._conn.fetch(_POSTS, article_id)
        return [_post(r) for r in rows]

    async def due_unpins(self, now: datetime) -> list[BreakingPost]:
        """Pinned breaking posts whose time on top is over."""
        rows = await self._conn.fetch(
            f"SELECT {_POST_COLUMNS} "
            "FROM breaking_posts WHERE pinned = 1 AND unpin_at <= $1 ORDER BY unpin_at",
            to_db_time(now),
        )
        return [_post(r) for r in rows]

    async def mark_unpinned(self, article_id: int, channel: str | None = None) -> None:
        """The pin is off (unpinned, deleted, or nothing to unpin); None: in every channel."""
        if channel is None:
            await self._conn.execute(
                "UPDATE breaking_posts SET pinned = 0, unpin_at = NULL WHERE article_id = $1",
                article_id,
            )
            return
        await self._conn.execute(
            "UPDATE breaking_posts SET pinned = 0, unpin_at = NULL WHERE article_id = $1 "
            "AND channel = $2",
            article_id,
            channel,
        )

    async def retract(self, article_id: int, *, reason: str, now: datetime) -> bool:
        """Mark the article retracted and never to be posted; False if it was already."""
        stamp = to_db_time(now)
        # The conditional UPDATE gates the rest: of two retractions (or processes) one wins.
        changed = await self._conn.execute(
            "UPDATE articles SET retracted_at = $1 WHERE id = $2 AND retracted_at IS NULL",
            stamp,
            article_id,
        )
        if changed != 1:
            return False
        await self._conn.execute(
            "UPDATE deliveries SET state = 'skipped', skip_reason = $1, updated_at = $2 "
            "WHERE article_id = $3",
            reason,
            stamp,
            article_id,
        )
        # ON CONFLICT: adoption in another process inserting the record meanwhile makes this a
        # no-op (the article is retracted, so that record is never posted) instead of an error.
        await self._conn.execute(
            "INSERT INTO deliveries (article_id, channel, state, skip_reason, updated_at) "
            "SELECT $1, $2, 'skipped', $3, $4 WHERE NOT EXISTS "
            "(SELECT 1 FROM deliveries WHERE article_id = $1) ON CONFLICT DO NOTHING",
            article_id,
            UNROUTED,
            reason,
            stamp,
        )
        await self.mark_unpinned(article_id)
        return True

    async def retracted_at(self, article_id: int) -> datetime | None:
        """When the article was retracted, if it was."""
        stamp = await self._conn.fetchval(
            "SELECT retracted_at FROM articles WHERE id = $1", article_id
        )
        return from_db_time(str(stamp)) if stamp else None


_POST_COLUMNS = (
    "article_id, channel, chat_id, message_id, photo_file_id, posted_at, pinned, unpin_at"
)
# In the order the article was pushed to its channels: SQLite's rowid, PostgreSQL's `seq`.
_POSTS = Sql(
    sqlite=f"SELECT {_POST_COLUMNS} FROM breaking_posts WHERE article_id = $1 ORDER BY rowid",
    postgres=f"SELECT {_POST_COLUMNS} FROM breaking_posts WHERE article_id = $1 ORDER BY seq",
)


def _post(r: Row) -> BreakingPost:
    return BreakingPost(
        article_id=int(str(r[0])),
        channel=str(r[1]),
        chat_id=str(r[2]),
        message_id=int(str(r[3])),
        photo_file_id=r[4] if isinstance(r[4], str) else None,
        posted_at=from_db_time(str(r[5])),
        pinned=bool(r[6]),
        unpin_at=from_db_time(str(r[7])) if r[7] else None,
    )
