"""SQL for `bot_state`: a few named facts that must survive a restart."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.articles import to_db_time


class StateRepository:
    """Key/value facts such as "publishing paused". Callers own the transaction for writes."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, key: str) -> str | None:
        """The value stored under `key`, if any."""
        async with self._conn.execute("SELECT value FROM bot_state WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def put(self, key: str, value: str, *, now: datetime) -> None:
        """Store `value` under `key`."""
        await self._conn.execute(
            "INSERT INTO bot_state (key, value, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            (key, value, to_db_time(now)),
        )

    async def delete(self, key: str) -> None:
        """Forget `key`."""
        await self._conn.execute("DELETE FROM bot_state WHERE key = ?", (key,))
