"""SQL behind the editors' /status that the delivery and article repositories do not answer.

One text per statement on both engines: `count(*) FILTER (WHERE …)` counts where SQLite's
`sum(d.state = 'pending')` would add booleans PostgreSQL does not sum.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.deliveries import ChannelQueue
from storage.articles import from_db_time, to_db_time
from storage.sql import StoreConn


class ControlRepository:
    """Read-only figures for the control room."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def posted_since(self, since: datetime) -> int:
        """How many posts went out since `since` (the start of the site's day)."""
        count = await self._conn.fetchval(
            "SELECT count(*) FROM deliveries WHERE state = 'posted' AND posted_at >= $1",
            to_db_time(since),
        )
        return int(count or 0)

    async def oldest_due(self, now: datetime) -> datetime | None:
        """Publication time of the oldest article waiting for its turn (the queue's lag)."""
        oldest = await self._conn.fetchval(
            "SELECT min(a.published_at) FROM deliveries d "
            "JOIN articles a ON a.id = d.article_id WHERE d.state = 'pending' "
            "AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= $1)",
            to_db_time(now),
        )
        return from_db_time(str(oldest)) if oldest else None

    async def channel_queues(self, now: datetime) -> dict[str, ChannelQueue]:
        """Each channel's pending count, newest post and oldest due article, by channel name."""
        rows = await self._conn.fetch(
            "SELECT d.channel, "
            "count(*) FILTER (WHERE d.state = 'pending'), max(d.posted_at), "
            "min(CASE WHEN d.state = 'pending' AND (d.next_attempt_at IS NULL "
            "OR d.next_attempt_at <= $1) THEN a.published_at END) "
            "FROM deliveries d JOIN articles a ON a.id = d.article_id GROUP BY d.channel",
            to_db_time(now),
        )
        return {
            str(channel): ChannelQueue(
                str(channel),
                int(pending or 0),
                from_db_time(str(last)) if last else None,
                from_db_time(str(oldest)) if oldest else None,
            )
            for channel, pending, last, oldest in rows
        }
