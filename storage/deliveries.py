"""SQL for `deliveries`: where each article stands on its way to the channel.

An article without a row has never been looked at by the publisher. Rows move
pending → sending → posted / failed / uncertain, or straight to skipped.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.articles import to_db_time


class DeliveryRepository:
    """All SQL on `deliveries`. Callers own the transaction for writes."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def mark_skipped(self, article_id: int, reason: str, *, now: datetime) -> bool:
        """Record that an article will not be posted, unless it already has a delivery state."""
        cursor = await self._conn.execute(
            "INSERT INTO deliveries (article_id, state, skip_reason, updated_at) "
            "VALUES (?, 'skipped', ?, ?) ON CONFLICT (article_id) DO NOTHING",
            (article_id, reason, to_db_time(now)),
        )
        return cursor.rowcount == 1

    async def state_of(self, article_id: int) -> str | None:
        """The delivery state of one article, or None if the publisher has not seen it."""
        async with self._conn.execute(
            "SELECT state FROM deliveries WHERE article_id = ?", (article_id,)
        ) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None
