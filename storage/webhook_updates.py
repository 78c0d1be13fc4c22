"""SQL for `webhook_updates`: which update ids this desk has taken in, and by which worker.

`take_many` is the whole dedupe, one write per batch of ids (bot/webhook/takes.py batches the
requests: a transaction per request was once the largest cost of a webhook worker). Each id
comes out one of three ways (`Taken`):

- **new**: no row yet, so this worker records it; or its row names a worker that is *gone*
  (no `workers` row, or a heartbeat older than the time-to-live: storage.workers' notion), so
  this worker re-takes it. That is the redelivery of an update whose worker was killed between
  recording the id and handing the update on: Telegram got no 2xx and sent it again.
- **seen**: this worker took it itself in an earlier batch (its hand-over runs in this process,
  right after the take, so it is done or under way); or its worker is alive and has heart-beat
  at least `HAND_OVER_GRACE` after taking it (or the row predates `taken_by`): the hand-over,
  which takes milliseconds, is long done.
- **busy**: its worker looks alive but has not beat since the take plus the grace: it may be
  handing the update on now, or it may have died a moment ago with its heartbeat still fresh.
  The caller answers 503; Telegram retries later, and by then the owner has either beat again
  (seen) or gone silent past the time-to-live (re-taken).

Why the owner's heartbeat against the take time, not the record's age: a killed worker looks
alive for up to the time-to-live after its last beat, so "older than the grace" alone would
skip a redelivery arriving between the grace and the time-to-live — the very loss this table
exists to prevent. Both times are the owner's own clock, so hosts' clock skew does not enter.

The write is one `INSERT … ON CONFLICT DO UPDATE … WHERE <owner gone> RETURNING update_id` (no
read-then-write: two workers given the same update at once cannot both win, the primary key
decides on either engine). Only ids it did not return — redeliveries, rare — cost a second,
read-only statement to tell seen from busy.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime, timedelta

from bot.domain.webhook import Taken
from storage.articles import from_db_time, to_db_time
from storage.sql import Sql, StoreConn
from storage.workers import live_worker

# The hand-over (commit seen → update in the handlers' queue) takes milliseconds; a worker that
# heart-beat this long after taking an id handed it on, or un-recorded it (`forget`).
HAND_OVER_GRACE = timedelta(seconds=30)

# In ascending order, so two workers' batches that share ids (a redelivery racing the first
# delivery) lock them in the same order on PostgreSQL. `WHERE true`: SQLite's parser needs a
# WHERE before an upsert's ON CONFLICT after `SELECT … FROM`, or it reads ON as a join's.
# Re-taken: a row of another worker (never our own: we are alive) that is not live; a NULL
# owner (recorded before taken_by existed) meant "handed on" and stays seen.
_TAKE = (
    "INSERT INTO webhook_updates (update_id, received_at, taken_by) "
    "SELECT v.update_id, $2, $3 FROM {ids} WHERE true ORDER BY v.update_id "
    "ON CONFLICT (update_id) DO UPDATE "
    "SET received_at = excluded.received_at, taken_by = excluded.taken_by "
    "WHERE webhook_updates.taken_by <> excluded.taken_by "
    f"AND NOT {live_worker('webhook_updates.taken_by', '$4')} "
    "RETURNING update_id"
)
_TAKE_MANY = Sql(
    sqlite=_TAKE.format(ids="(SELECT value AS update_id FROM json_each($1)) AS v"),
    postgres=_TAKE.format(ids="unnest($1::bigint[]) AS v (update_id)"),
)
_OWNERS = (
    "SELECT u.update_id, u.taken_by, u.received_at, w.heartbeat_at FROM webhook_updates u "
    "LEFT JOIN workers w ON w.id = u.taken_by WHERE {match}"
)
_OWNERS_OF = Sql(
    sqlite=_OWNERS.format(match="u.update_id IN (SELECT value FROM json_each($1))"),
    postgres=_OWNERS.format(match="u.update_id = ANY($1::bigint[])"),
)


class WebhookUpdateRepository:
    """Update ids already taken in, and their takers. Callers own the transaction."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def take(self, update_id: int, *, worker: str, now: datetime, ttl: timedelta) -> Taken:
        """Take `update_id` in for `worker` (see the module docstring for the three answers)."""
        taken = await self.take_many([update_id], worker=worker, now=now, ttl=ttl)
        return taken[update_id]

    async def take_many(
        self,
        update_ids: Collection[int],
        *,
        worker: str,
        now: datetime,
        ttl: timedelta,
        grace: timedelta = HAND_OVER_GRACE,
    ) -> dict[int, Taken]:
        """Take each of `update_ids` (distinct) in for `worker`; what each turned out to be.

        `ttl`: a worker silent this long is gone (`storage.lease_ttl_seconds`)."""
        if not update_ids:
            return {}
        ids = sorted(set(update_ids))
        rows = await self._conn.fetch(
            _TAKE_MANY, self._ids(ids), to_db_time(now), worker, to_db_time(now - ttl)
        )
        outcome = dict.fromkeys((int(row[0]) for row in rows), Taken.NEW)
        if len(outcome) == len(ids):
            return outcome
        rest = [update_id for update_id in ids if update_id not in outcome]
        outcome.update(dict.fromkeys(rest, Taken.BUSY))  # gone meanwhile: the retry takes it
        for update_id, owner, received_at, heartbeat_at in await self._conn.fetch(
            _OWNERS_OF, self._ids(rest)
        ):
            outcome[int(update_id)] = (
                Taken.SEEN  # ours: this process handed it on (or is, in this very loop)
                if owner == worker
                else _settled(owner, received_at, heartbeat_at, grace)
            )
        return outcome

    def _ids(self, ids: list[int]) -> object:
        return ids if self._conn.engine == "postgres" else json.dumps(ids)

    async def prune(self, *, before: datetime) -> int:
        """Forget ids received before `before`; return how many."""
        return await self._conn.execute(
            "DELETE FROM webhook_updates WHERE received_at < $1", to_db_time(before)
        )

    async def forget(self, update_id: int, *, worker: str) -> None:
        """Un-record `update_id` if `worker` holds it (it took it but could not hand it on)."""
        await self._conn.execute(
            "DELETE FROM webhook_updates WHERE update_id = $1 AND taken_by = $2", update_id, worker
        )


def _settled(
    owner: str | None, received_at: str, heartbeat_at: str | None, grace: timedelta
) -> Taken:
    """Seen if the owner (live when the write looked) beat `grace` after taking the id."""
    if owner is None:  # recorded before taken_by existed, when a record meant "handed on"
        return Taken.SEEN
    if heartbeat_at is None:  # its row was swept since the write: the retry re-takes it
        return Taken.BUSY
    if from_db_time(heartbeat_at) >= from_db_time(received_at) + grace:
        return Taken.SEEN
    return Taken.BUSY
