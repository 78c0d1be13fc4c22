"""SQL for adoption: new articles get one delivery record per channel that takes them.

Which channels take an article is routing's decision (`bot.publishing.routing`, pure Python);
this module reads what routing needs of the articles the publisher has not seen, and writes the
records routing decided on, in the caller's transaction. Rows written before editions existed
have channel '' and become the first configured channel's (`adopt_unnamed`).

The statements are the same on both engines. Adopting is idempotent (`ON CONFLICT DO
NOTHING`), so two processes adopting one article leave one record per channel and no error.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.domain.deliveries import RoutingFacts
from storage.articles import to_db_time
from storage.delivery_queries import UNROUTED
from storage.sql import StoreConn

BACKLOG_REASON = "older than the backlog limit"

# "UPDATE OR IGNORE … SET channel = $1 WHERE channel = ''", in words both engines speak: a row
# is renamed unless the article already has one for that channel (the key allows one '' row
# per article, so that is the only conflict there can be).
_NAME_UNNAMED = (
    "UPDATE {table} SET channel = $1 WHERE channel = '' AND NOT EXISTS "
    "(SELECT 1 FROM {table} o WHERE o.article_id = {table}.article_id AND o.channel = $1)"
)


class AdoptionRepository:
    """Reads unadopted articles and writes their per-channel records."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def unadopted(self, *, now: datetime, cutoff: datetime) -> list[RoutingFacts]:
        """Articles without any delivery record, with adoption's verdict before routing."""
        stamp, old = to_db_time(now), to_db_time(cutoff)
        rows = await self._conn.fetch(
            "SELECT a.id, a.language, a.category, a.source, "
            "CASE WHEN a.hold_reason IS NOT NULL THEN 'held: ' || a.hold_reason "
            "WHEN a.published_at < $1 THEN $2 END, "
            "CASE WHEN a.published_at > $3 THEN a.published_at END "
            "FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM deliveries d WHERE d.article_id = a.id) ORDER BY a.id",
            old,
            BACKLOG_REASON,
            stamp,
        )
        return [
            RoutingFacts(
                article_id=int(row[0]),
                language=_text(row[1]),
                category=_text(row[2]),
                source=_text(row[3]),
                skip_reason=_text(row[4]),
                not_before=_text(row[5]),
            )
            for row in rows
        ]

    async def adopt(
        self, facts: RoutingFacts, channels: Iterable[str], unrouted: str, *, now: datetime
    ) -> None:
        """One record per channel (pending, or skipped with the verdict's reason).

        No channel: one `UNROUTED` record skipped with `unrouted`, so the article counts as seen.
        """
        stamp = to_db_time(now)
        rows = [
            (
                facts.article_id,
                channel,
                "skipped" if facts.skip_reason else "pending",
                facts.skip_reason,
                facts.not_before,
                stamp,
            )
            for channel in channels
        ] or [(facts.article_id, UNROUTED, "skipped", unrouted, None, stamp)]
        await self._conn.executemany(
            "INSERT INTO deliveries (article_id, channel, state, skip_reason, "
            "next_attempt_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6) "
            "ON CONFLICT DO NOTHING",
            rows,
        )

    async def skip_overdue(self, *, now: datetime, cutoff: datetime) -> None:
        """Downtime: what waited past the backlog limit is skipped, not posted in a burst."""
        await self._conn.execute(
            "UPDATE deliveries SET state = 'skipped', skip_reason = $1, updated_at = $2 "
            "WHERE state IN ('pending', 'failed') AND article_id IN "
            "(SELECT id FROM articles WHERE published_at < $3)",
            BACKLOG_REASON,
            to_db_time(now),
            to_db_time(cutoff),
        )

    async def adopt_unnamed(self, channel: str) -> int:
        """Records from before editions (channel '') become `channel`'s; returns how many."""
        renamed = await self._conn.execute(_NAME_UNNAMED.format(table="deliveries"), channel)
        await self._conn.execute(_NAME_UNNAMED.format(table="breaking_posts"), channel)
        await self._conn.execute(
            "UPDATE superseded_posts SET channel = $1 WHERE channel = ''", channel
        )
        return renamed


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
