"""SQL for `webhook_updates`: which update ids this desk has taken in, across its workers.

`take` is the whole dedupe: one `INSERT … ON CONFLICT DO NOTHING`, and the row count says whether
this caller was first. No read-then-write, so two workers given the same update at once cannot
both win (the primary key decides, on either engine).
"""

from __future__ import annotations

from datetime import datetime

from storage.articles import to_db_time
from storage.sql import StoreConn

_TAKE = (
    "INSERT INTO webhook_updates (update_id, received_at) VALUES ($1, $2) "
    "ON CONFLICT (update_id) DO NOTHING"
)


class WebhookUpdateRepository:
    """Update ids already taken in. Callers own the transaction."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def take(self, update_id: int, *, now: datetime) -> bool:
        """Record `update_id`; True if it was new (the caller handles it), False if seen."""
        return await self._conn.execute(_TAKE, update_id, to_db_time(now)) == 1

    async def prune(self, *, before: datetime) -> int:
        """Forget ids received before `before`; return how many."""
        return await self._conn.execute(
            "DELETE FROM webhook_updates WHERE received_at < $1", to_db_time(before)
        )

    async def forget(self, update_id: int) -> None:
        """Un-record `update_id` (it was taken but could not be handed on)."""
        await self._conn.execute("DELETE FROM webhook_updates WHERE update_id = $1", update_id)
