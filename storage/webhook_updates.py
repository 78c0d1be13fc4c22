"""SQL for `webhook_updates`: which update ids this desk has taken in, across its workers.

`take_many` is the whole dedupe: one `INSERT … ON CONFLICT DO NOTHING RETURNING update_id` for a
batch of ids, and the ids it returns are the ones this caller was first to. No read-then-write, so
two workers given the same update at once cannot both win (the primary key decides, on either
engine). A batch, not a statement per update: under a storm each update arrives in its own webhook
request, and a transaction per request (BEGIN, INSERT, COMMIT: three round trips on PostgreSQL)
was the largest cost of a webhook worker (bot/webhook/takes.py batches the requests).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime

from storage.articles import to_db_time
from storage.sql import Sql, StoreConn

# In ascending order, so two workers' batches that share ids (a redelivery racing the first
# delivery) lock them in the same order on PostgreSQL. `WHERE true`: SQLite's parser needs a
# WHERE before an upsert's ON CONFLICT after `SELECT … FROM`, or it reads ON as a join's.
_TAKE = (
    "INSERT INTO webhook_updates (update_id, received_at) SELECT v.update_id, $2 FROM {ids} "
    "WHERE true ORDER BY v.update_id ON CONFLICT (update_id) DO NOTHING RETURNING update_id"
)
_TAKE_MANY = Sql(
    sqlite=_TAKE.format(ids="(SELECT value AS update_id FROM json_each($1)) AS v"),
    postgres=_TAKE.format(ids="unnest($1::bigint[]) AS v (update_id)"),
)


class WebhookUpdateRepository:
    """Update ids already taken in. Callers own the transaction."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def take(self, update_id: int, *, now: datetime) -> bool:
        """Record `update_id`; True if it was new (the caller handles it), False if seen."""
        return bool(await self.take_many([update_id], now=now))

    async def take_many(self, update_ids: Collection[int], *, now: datetime) -> set[int]:
        """Record each of `update_ids` (distinct); return those that were new."""
        if not update_ids:
            return set()
        ids = sorted(update_ids)
        arg: object = ids if self._conn.engine == "postgres" else json.dumps(ids)
        rows = await self._conn.fetch(_TAKE_MANY, arg, to_db_time(now))
        return {int(row[0]) for row in rows}

    async def prune(self, *, before: datetime) -> int:
        """Forget ids received before `before`; return how many."""
        return await self._conn.execute(
            "DELETE FROM webhook_updates WHERE received_at < $1", to_db_time(before)
        )

    async def forget(self, update_id: int) -> None:
        """Un-record `update_id` (it was taken but could not be handed on)."""
        await self._conn.execute("DELETE FROM webhook_updates WHERE update_id = $1", update_id)
