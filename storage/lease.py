"""The instance lease: at most one process runs the bot on a database.

Two bots on one store would both post every article. The lease is a row naming its holder; the
holder refreshes it on a heartbeat and deletes it on exit. A holder that died is detected either
by its process being gone (same host) or by a heartbeat older than the time-to-live.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

import aiosqlite

from bot.domain import LeaseHolder
from bot.domain.errors import InstanceRunningError, LeaseLostError
from storage.articles import from_db_time, to_db_time

LEASE_NAME = "bot"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


class LeaseRepository:
    """SQL on `instance_lease`. Callers own the transaction."""

    def __init__(self, conn: aiosqlite.Connection, *, ttl: timedelta) -> None:
        self._conn = conn
        self._ttl = ttl
        self.holder_id = uuid.uuid4().hex
        self.hostname = socket.gethostname()
        self.pid = os.getpid()

    async def current(self) -> LeaseHolder | None:
        """The present holder, if any."""
        async with self._conn.execute(
            "SELECT holder, hostname, pid, heartbeat_at FROM instance_lease WHERE name = ?",
            (LEASE_NAME,),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return LeaseHolder(str(row[0]), str(row[1]), int(row[2]), from_db_time(str(row[3])))

    def _is_dead(self, holder: LeaseHolder, now: datetime) -> bool:
        if holder.hostname == self.hostname and not _process_alive(holder.pid):
            return True
        return now - holder.heartbeat_at > self._ttl

    async def acquire(self, now: datetime) -> None:
        """Take the lease, or raise `InstanceRunningError` naming the live holder."""
        holder = await self.current()
        taken = holder is not None and holder.holder != self.holder_id
        if holder is not None and taken and not self._is_dead(holder, now):
            raise InstanceRunningError(
                f"another newsdesk (pid {holder.pid} on {holder.hostname}) is already running "
                f"the bot on this database; stop it first (its last heartbeat: "
                f"{holder.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC)"
            )
        stamp = to_db_time(now)
        await self._conn.execute(
            "INSERT INTO instance_lease (name, holder, hostname, pid, acquired_at, heartbeat_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
            " hostname = excluded.hostname, pid = excluded.pid,"
            " acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at",
            (LEASE_NAME, self.holder_id, self.hostname, self.pid, stamp, stamp),
        )

    async def heartbeat(self, now: datetime) -> bool:
        """Refresh our lease; False if somebody else took it over meanwhile."""
        cursor = await self._conn.execute(
            "UPDATE instance_lease SET heartbeat_at = ? WHERE name = ? AND holder = ?",
            (to_db_time(now), LEASE_NAME, self.holder_id),
        )
        return cursor.rowcount == 1

    async def check_held(self) -> None:
        """Raise `LeaseLostError` unless we still hold the lease (the database's write fence)."""
        holder = await self.current()
        if holder is not None and holder.holder == self.holder_id:
            return
        taker = (
            f"another newsdesk (pid {holder.pid} on {holder.hostname})"
            if holder is not None
            else "another process"
        )
        raise LeaseLostError(
            f"{taker} took over the bot's lease on this database while this process (pid "
            f"{self.pid}) was paused or cut off for longer than storage.lease_ttl_seconds; "
            "this process stopped its jobs and posted nothing more. Only one bot may run on a "
            "database: stop the other one first if this one should keep running"
        )

    async def release(self) -> None:
        """Give the lease up, if we still hold it."""
        await self._conn.execute(
            "DELETE FROM instance_lease WHERE name = ? AND holder = ?",
            (LEASE_NAME, self.holder_id),
        )
