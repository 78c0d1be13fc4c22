"""Workers and a leader: which process runs the newsroom, and what happens when it dies.

Every `newsdesk run` is a worker: it answers updates and registers in `workers` (storage.workers),
refreshing its row on each heartbeat. Exactly one holds the instance lease (storage.lease) and
runs the newsroom — publishing passes, fetching, the alert fan-out, unpinning, digests, weekly
reports. On PostgreSQL a worker that finds the lease held by a live holder becomes a *follower*:
it keeps answering and tries to take the lease on each heartbeat, so when the leader dies (no
heartbeat for `lease_ttl_seconds`, or its pid gone on the same host) one follower takes over
within the time-to-live, sweeps the dead workers out and turns their `sending` rows into
`uncertain` (reported to the editors), then starts the newsroom from the store. On SQLite a
second `run` is refused (exit 2), as a SQLite file serves one host's one bot.

The write fence (`fence`) guards the newsroom's writes only (`storage.database.newsroom_writes`):
a leader paused past its lease cannot claim or record a post after a takeover, while readers'
and editors' writes go through on every worker. A leader that finds it lost the lease steps down
to follower on PostgreSQL (it is alive and useful: it answers updates, and may lead again); on
SQLite there are no followers, so it stops and `newsdesk run` exits 3, as before.

One-shot commands that send (`publish`, `digest`) register too, so their sends in flight are
never judged interrupted by the leader's recovery.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.clock import Clock
from bot.domain.errors import InstanceRunningError, LeaseLostError
from storage.database import Database
from storage.lease import LeaseRepository
from storage.sql import StoreConn
from storage.workers import WorkerRepository

logger = logging.getLogger(__name__)


class Leadership:
    """This process's worker row, and whether it leads the newsroom."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        ttl: timedelta,
        command: str,
        lease: LeaseRepository | None,
        receives_updates: bool = False,
    ) -> None:
        self._db = db
        # A webhook worker answers the updates Telegram POSTs to it, leader or not; in polling
        # mode only the leader polls (and answers), so a follower sends nothing.
        self._receives_updates = receives_updates
        self._clock = clock
        self._ttl = ttl
        self._command = command
        self.lease = lease
        # Who we are (id, host, pid), shared by our lease and our worker row; a one-shot has no
        # lease, only the identity.
        self._who = lease if lease is not None else LeaseRepository(db.store, ttl=ttl)
        self.worker_id = self._who.holder_id
        # A one-shot command is its own newsroom (no lease); `run` leads once it holds the lease.
        self.leading = lease is None
        # Set on SQLite when another process took the lease over: the bot stops, `run` exits 3.
        self.lost: LeaseLostError | None = None
        self.on_lost: Callable[[LeaseLostError], None] | None = None
        # The app's newsroom start (recovery, then the jobs' work), run at each takeover.
        self.on_lead: Callable[[], Awaitable[None]] | None = None
        # Told the number of live workers that send on each heartbeat (they share the budget).
        self.on_share: Callable[[int], None] | None = None
        self._beating: asyncio.Task[None] | None = None

    @property
    def sends(self) -> bool:
        """Whether this process sends to Telegram now: a one-shot that registers (`publish`,
        `digest`), a webhook worker, or the leader (which polls and runs the newsroom)."""
        return self.lease is None or self._receives_updates or self.leading

    @property
    def followers_allowed(self) -> bool:
        """Only PostgreSQL serves several hosts: a second bot on a SQLite file is refused."""
        return self._db.engine == "postgres"

    async def register(self) -> None:
        """Write our worker row (before any claim names us)."""
        async with self._db.write() as conn:
            await self._beat(conn)

    async def _beat(self, conn: StoreConn, *, leading: bool = False) -> None:
        """Our row; `leading`: we are taking the lease in this transaction (so we send)."""
        who = self._who
        await WorkerRepository(conn).beat(
            self.worker_id,
            hostname=who.hostname,
            pid=who.pid,
            command=self._command,
            now=self._clock(),
            sends=self.sends or leading,
        )

    async def reshare(self) -> None:
        """Refresh our row and tell `on_share` how many processes send now (us among them if
        we do): the budget is theirs to share."""
        async with self._db.write() as conn:  # not the newsroom's: never fenced
            await self._beat(conn)
            senders = await WorkerRepository(conn).senders(now=self._clock(), ttl=self._ttl)
        if self.on_share is not None:
            self.on_share(senders)

    async def start(self) -> None:
        """Take the lease, or (PostgreSQL) follow a live holder; SQLite refuses a second bot."""
        if self.lease is None:
            return
        try:
            await self._take()
        except InstanceRunningError as exc:
            if not self.followers_allowed:
                raise
            logger.info("following: %s", exc)

    async def _take(self, *, wait: bool = True) -> None:
        """Acquire the lease and sweep the dead workers (the old holder among them) at once.

        `wait=False`: a follower's try, which never queues behind the holder's writes."""
        assert self.lease is not None
        now = self._clock()
        async with self._db.write() as conn:
            previous = await self.lease.on(conn).acquire(now, wait=wait)
            dead = await WorkerRepository(conn).sweep_dead(
                here=self._who.hostname, now=now, ttl=self._ttl, also=previous
            )
            await self._beat(conn, leading=True)  # the polling leader sends: counted at once
        self.leading, self.lost = True, None
        if dead:
            logger.warning("took the newsroom over from dead worker(s) %s", ", ".join(dead))

    async def heartbeat(self) -> None:
        """Refresh our rows; a follower tries to lead; the leader sweeps dead workers."""
        now = self._clock()
        still_ours = True
        async with self._db.write() as conn:  # not the newsroom's: never fenced
            await self._beat(conn)
            if self.lease is not None and self.leading:
                still_ours = await self.lease.on(conn).heartbeat(now)
            senders = await WorkerRepository(conn).senders(now=now, ttl=self._ttl)
        if self.on_share is not None:
            self.on_share(senders)
        if self.lease is None or self.lost is not None:
            return
        if self.leading and not still_ours:
            await self.holds()  # reports the loss, naming who took over
        elif self.leading:
            await self._sweep()
        elif self.followers_allowed:
            await self._try_to_lead()

    async def _sweep(self) -> None:
        """The leader's rounds: a dead follower's (or `publish`'s) sends in flight are judged."""
        async with self._db.write() as conn:
            dead = await WorkerRepository(conn).sweep_dead(
                here=self._who.hostname, now=self._clock(), ttl=self._ttl
            )
        if dead and self.on_lead is not None:
            logger.warning("worker(s) %s stopped heart-beating: recovering their sends", dead)
            await self.on_lead()  # the same recovery as a takeover's, then the jobs go on

    async def _try_to_lead(self) -> None:
        try:
            await self._take(wait=False)
        except InstanceRunningError:
            return
        logger.warning("this worker (pid %s) now leads the newsroom", self._who.pid)
        await self.reshare()  # a polling follower starts sending now: the others' share shrinks
        if self.on_lead is not None:
            await self.on_lead()

    async def holds(self) -> bool:
        """Whether this process runs the newsroom now; each newsroom job asks before it acts."""
        if self.lease is None:
            return True
        if not self.leading:
            return False
        try:
            await self.lease.check_held()
        except LeaseLostError as exc:
            self._lose(exc)
            return False
        return True

    async def fence(self, conn: StoreConn) -> None:
        """Refuse a newsroom write transaction unless we hold the lease."""
        if self.lease is None:
            return
        if self.lost is not None:
            raise self.lost
        if not self.leading:
            raise LeaseLostError("this worker does not lead the newsroom (another one does)")
        try:
            # In the transaction's own connection: on PostgreSQL the check holds off a takeover
            # until this transaction ends.
            await self.lease.on(conn).check_held()
        except LeaseLostError as exc:
            self._lose(exc)
            raise

    def _lose(self, error: LeaseLostError) -> None:
        if not self.leading:
            return
        self.leading = False
        if self.followers_allowed:
            # Alive, and still answering updates: a follower now, which may lead again later.
            logger.warning("stepping down to follower: %s", error)
            return
        self.lost = error
        logger.error("%s", error)
        if self.on_lost is not None:
            self.on_lost(error)

    def beat_in_background(self) -> None:
        """A one-shot command's heartbeat (the bot's runs on its JobQueue)."""

        async def beat() -> None:
            while True:
                await asyncio.sleep(self._ttl.total_seconds() / 4)
                try:
                    await self.reshare()
                except Exception as exc:  # the next beat tries again; the store may be back
                    logger.warning("worker heartbeat failed: %s", exc)

        self._beating = asyncio.create_task(beat(), name="worker-heartbeat")

    async def leave(self, db: Database | None = None) -> None:
        """Give the lease up (if ours) and remove our worker row: a clean stop (through `db`,
        the services' store now, if an operator's repair replaced it)."""
        if self._beating is not None:
            self._beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._beating
        async with (db or self._db).write() as conn:
            await WorkerRepository(conn).leave(self.worker_id)
            if self.lease is not None:
                await self.lease.on(conn).release()
