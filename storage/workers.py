"""SQL on `workers`: the newsdesk processes working on this store, and which of them are gone.

Every `newsdesk run` (leader or follower) and every one-shot command that sends (`publish`,
`digest`) registers a row and refreshes its heartbeat, saying whether it sends to Telegram
(`sends`: the message budget is shared among those only, bot.transport.shared_limiter). A row
claimed for sending (`deliveries`, `alert_recipients`, `insight_sends`) names its claimer
(`claimed_by`), so recovery can turn into `uncertain` only the sends of a process that is gone
— never a live worker's send in flight. A process is gone when its heartbeat is older than the
time-to-live, or when it ran on this host and its pid no longer exists (a kill -9 is seen at
once there), or when it said goodbye.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from storage.articles import from_db_time, to_db_time
from storage.sql import StoreConn

# The rows recovery may touch: claimed by a process no longer registered, or before claims
# were named (NULL). Callers sweep the dead rows out of `workers` first (`sweep_dead`).
GONE_CLAIMER = "(claimed_by IS NULL OR claimed_by NOT IN (SELECT id FROM workers))"


def live_worker(column: str, since: str) -> str:
    """SQL true when the worker named by `column` is registered and beat at or after `since`
    (a parameter): the heartbeat half of `is_dead`, negated, for statements that must judge
    owners in the same write (storage/webhook_updates.py)."""
    return (
        f"EXISTS (SELECT 1 FROM workers WHERE workers.id = {column} "
        f"AND workers.heartbeat_at >= {since})"
    )


def process_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def is_dead(
    *, hostname: str, pid: int, heartbeat_at: datetime, here: str, now: datetime, ttl: timedelta
) -> bool:
    """A process judged gone: silent past the time-to-live, or its pid gone on this host."""
    if hostname == here and not process_alive(pid):
        return True
    return now - heartbeat_at > ttl


class WorkerRepository:
    """SQL on `workers`. Callers own the transaction for writes."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def beat(
        self,
        worker_id: str,
        *,
        hostname: str,
        pid: int,
        command: str,
        now: datetime,
        sends: bool = True,
    ) -> None:
        """Register, or refresh the heartbeat of, one worker (a swept one registers again);
        `sends`: whether it sends to Telegram now (a polling follower does not)."""
        stamp = to_db_time(now)
        await self._conn.execute(
            "INSERT INTO workers (id, hostname, pid, command, started_at, heartbeat_at, sends) "
            "VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT (id) DO UPDATE SET "
            "heartbeat_at = excluded.heartbeat_at, sends = excluded.sends",
            worker_id,
            hostname,
            pid,
            command,
            stamp,
            int(sends),
        )

    async def leave(self, worker_id: str) -> None:
        """A worker stopping cleanly: its row goes (its sends were finished or put back)."""
        await self._conn.execute("DELETE FROM workers WHERE id = $1", worker_id)

    async def sweep_dead(
        self, *, here: str, now: datetime, ttl: timedelta, also: str | None = None
    ) -> list[str]:
        """Delete the rows of the processes that are gone (and `also`, a holder known dead);
        return their ids. Their `sending` rows then match `GONE_CLAIMER`."""
        rows = await self._conn.fetch("SELECT id, hostname, pid, heartbeat_at FROM workers")
        dead = [
            str(row[0])
            for row in rows
            if str(row[0]) == also
            or is_dead(
                hostname=str(row[1]),
                pid=int(row[2]),
                heartbeat_at=from_db_time(str(row[3])),
                here=here,
                now=now,
                ttl=ttl,
            )
        ]
        if dead:
            await self._conn.executemany("DELETE FROM workers WHERE id = $1", [(i,) for i in dead])
        return dead

    async def senders(self, *, now: datetime, ttl: timedelta) -> int:
        """How many processes that send to Telegram heart-beat within the time-to-live: `run`
        workers receiving updates (webhook, or the polling leader) and one-shots that send
        (at least 1)."""
        count = await self._conn.fetchval(
            "SELECT count(*) FROM workers WHERE sends = 1 AND heartbeat_at >= $1",
            to_db_time(now - ttl),
        )
        return max(1, int(count))
