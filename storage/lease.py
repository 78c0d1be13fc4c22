"""The instance lease: at most one process runs the newsroom on a database.

Two newsrooms on one store would both post every article. On PostgreSQL the other workers follow
and try `acquire` on each heartbeat (bot.leadership); on SQLite a second bot is refused. The
lease is a row naming its holder; the holder refreshes it on a heartbeat and deletes it on exit.
A holder that died is detected either by its process being gone (same host) or by a heartbeat
older than the time-to-live.

Taking the lease reads the holder, then writes: two processes starting at once must not both
read "free". On SQLite `BEGIN IMMEDIATE` serialises them. On PostgreSQL (READ COMMITTED, no
write lock) `acquire` first takes an advisory transaction lock, exclusively, and the write
fence (`check_held`, run at the start of every write transaction) takes the same lock shared:
the second starter waits and then reads the first one's holder, and a takeover waits for the
old holder's writes in flight, whose next transaction then finds the lease gone.

The repository remembers who we are (holder id, host, pid) for the process's life, while its
writes belong in a write transaction's connection: `lease.on(conn)` is the same holder working
there (on PostgreSQL the advisory lock lives in that transaction).
"""

from __future__ import annotations

import copy
import os
import socket
import uuid
from datetime import datetime, timedelta

from bot.domain import LeaseHolder
from bot.domain.errors import InstanceRunningError, LeaseLostError
from storage.articles import from_db_time, to_db_time
from storage.sql import StoreConn
from storage.workers import is_dead

LEASE_NAME = "bot"
# The advisory lock key of the lease on PostgreSQL (per database; the migrations use another).
LEASE_LOCK = int.from_bytes(b"nd-lease", "big", signed=True)


class LeaseRepository:
    """SQL on `instance_lease`. Callers own the transaction."""

    def __init__(self, conn: StoreConn, *, ttl: timedelta, holder_id: str | None = None) -> None:
        self._conn = conn
        self._ttl = ttl
        # The process's worker id (storage.workers), so its claims and its lease name one holder.
        self.holder_id = holder_id or uuid.uuid4().hex
        self.hostname = socket.gethostname()
        self.pid = os.getpid()

    def on(self, conn: StoreConn) -> LeaseRepository:
        """This same holder, working in `conn` (a write transaction's connection)."""
        bound = copy.copy(self)
        bound._conn = conn
        return bound

    async def _lock(self, *, shared: bool, wait: bool = True) -> bool:
        """On PostgreSQL, hold the lease's advisory lock until the transaction ends.

        `wait=False` only tries, and says whether it got the lock."""
        if self._conn.engine != "postgres":
            return True  # SQLite: the write transaction (BEGIN IMMEDIATE) excludes the rest
        if not wait:
            return bool(
                await self._conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", LEASE_LOCK)
            )
        how = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        await self._conn.execute(f"SELECT {how}($1)", LEASE_LOCK)
        return True

    async def current(self) -> LeaseHolder | None:
        """The present holder, if any."""
        row = await self._conn.fetchrow(
            "SELECT holder, hostname, pid, heartbeat_at FROM instance_lease WHERE name = $1",
            LEASE_NAME,
        )
        if row is None:
            return None
        return LeaseHolder(str(row[0]), str(row[1]), int(row[2]), from_db_time(str(row[3])))

    async def live_holder(self, now: datetime) -> LeaseHolder | None:
        """The present holder if it is alive, as `acquire` would judge it; None if none is."""
        holder = await self.current()
        return None if holder is None or self._is_dead(holder, now) else holder

    def _is_dead(self, holder: LeaseHolder, now: datetime) -> bool:
        return is_dead(
            hostname=holder.hostname,
            pid=holder.pid,
            heartbeat_at=holder.heartbeat_at,
            here=self.hostname,
            now=now,
            ttl=self._ttl,
        )

    async def acquire(self, now: datetime, *, wait: bool = True) -> str | None:
        """Take the lease, or raise `InstanceRunningError` naming the live holder.

        Returns the id of the dead holder taken over from, if any (its sends in flight are
        the recovery's to judge). Run it in a write transaction (`on(conn)`): on PostgreSQL the
        lock it takes first makes a second starter wait for this one's commit, then read its
        holder.

        `wait=False` (a follower's try on each heartbeat) does not queue for the lock: while
        any newsroom write of the holder is in flight, it raises `InstanceRunningError` and
        the next heartbeat tries again. Queued, an exclusive request would make every shared
        request after it queue too — a paused holder's own statements among them, each of
        which, once granted, holds its session (and the lock) for another time-to-live.
        """
        if not await self._lock(shared=False, wait=wait):
            raise InstanceRunningError(
                "the newsroom's lease is busy (a write of its holder is in flight); "
                "trying again at the next heartbeat"
            )
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
            "VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (name) DO UPDATE SET "
            "holder = excluded.holder, hostname = excluded.hostname, pid = excluded.pid, "
            "acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at",
            LEASE_NAME,
            self.holder_id,
            self.hostname,
            self.pid,
            stamp,
        )
        return holder.holder if holder is not None and taken else None

    async def heartbeat(self, now: datetime) -> bool:
        """Refresh our lease; False if somebody else took it over meanwhile."""
        changed = await self._conn.execute(
            "UPDATE instance_lease SET heartbeat_at = $1 WHERE name = $2 AND holder = $3",
            to_db_time(now),
            LEASE_NAME,
            self.holder_id,
        )
        return changed == 1

    async def check_held(self) -> None:
        """Raise `LeaseLostError` unless we still hold the lease (the database's write fence).

        On PostgreSQL, inside a write transaction (`on(conn)`), it also keeps a takeover waiting
        until that transaction ends: what passed the fence is written before the lease moves.
        """
        await self._lock(shared=True)
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
            "DELETE FROM instance_lease WHERE name = $1 AND holder = $2",
            LEASE_NAME,
            self.holder_id,
        )
