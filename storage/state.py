"""SQL for `bot_state`: a few named facts that must survive a restart (one text, both engines)."""

from __future__ import annotations

from datetime import datetime

from storage.articles import to_db_time
from storage.sql import StoreConn


class StateRepository:
    """Key/value facts such as "publishing paused". Callers own the transaction for writes."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def get(self, key: str) -> str | None:
        """The value stored under `key`, if any."""
        value = await self._conn.fetchval("SELECT value FROM bot_state WHERE key = $1", key)
        return None if value is None else str(value)

    async def put(self, key: str, value: str, *, now: datetime) -> None:
        """Store `value` under `key`."""
        await self._conn.execute(
            "INSERT INTO bot_state (key, value, updated_at) VALUES ($1, $2, $3) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            key,
            value,
            to_db_time(now),
        )

    async def delete(self, key: str) -> None:
        """Forget `key`."""
        await self._conn.execute("DELETE FROM bot_state WHERE key = $1", key)
