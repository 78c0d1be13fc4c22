"""The instance lease: one bot per database, taken over when the holder died (both engines).

On PostgreSQL nothing serialises write transactions, so two more tests show what the advisory
lock adds: two processes starting at once leave one holder, and a takeover waits for the old
holder's write that already passed the fence.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import InstanceRunningError, LeaseLostError
from storage.database import Database, newsroom_writes
from storage.lease import LeaseRepository
from storage.state import StateRepository
from tests.pgstore import TestStore
from tests.storage.shared import until_waiting

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
TTL = timedelta(seconds=60)


@pytest.fixture
def pg(pg_database: str) -> TestStore:
    """A PostgreSQL store only: what these tests show cannot happen on SQLite at all."""
    return TestStore("postgres", {"url": pg_database})


async def _acquire(db: Database, lease: LeaseRepository, now: datetime) -> None:
    async with db.write() as conn:
        await lease.on(conn).acquire(now)


async def test_second_holder_refused_until_release(store: TestStore) -> None:
    first_db = await Database.open(store.settings())
    second_db = await Database.open(store.settings())
    try:
        first = LeaseRepository(first_db.store, ttl=TTL)
        second = LeaseRepository(second_db.store, ttl=TTL)
        await _acquire(first_db, first, NOW)
        with pytest.raises(InstanceRunningError, match="already running"):
            await _acquire(second_db, second, NOW)
        async with first_db.write() as conn:
            await first.on(conn).release()
        await _acquire(second_db, second, NOW)
        holder = await second.current()
        assert holder is not None and holder.holder == second.holder_id
    finally:
        await first_db.close()
        await second_db.close()


async def test_stale_heartbeat_is_taken_over(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        first = LeaseRepository(db.store, ttl=TTL)
        second = LeaseRepository(db.store, ttl=TTL)
        second.hostname = "another-host"  # a different machine: only the heartbeat tells
        await _acquire(db, first, NOW)
        with pytest.raises(InstanceRunningError):
            await _acquire(db, second, NOW + timedelta(seconds=30))
        await _acquire(db, second, NOW + timedelta(seconds=61))
        holder = await second.current()
        assert holder is not None and holder.holder == second.holder_id
        async with db.write() as conn:
            assert await first.on(conn).heartbeat(NOW + timedelta(seconds=62)) is False
        with pytest.raises(LeaseLostError, match="another newsdesk"):
            await first.check_held()
    finally:
        await db.close()


def _pid_of_finished_process() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


async def test_dead_process_on_same_host_is_taken_over(store: TestStore) -> None:
    dead_pid = _pid_of_finished_process()
    db = await Database.open(store.settings())
    try:
        ghost = LeaseRepository(db.store, ttl=TTL)
        ghost.pid = dead_pid
        await _acquire(db, ghost, NOW)
        me = LeaseRepository(db.store, ttl=TTL)
        await _acquire(db, me, NOW)  # fresh heartbeat, but its process is gone
        holder = await me.current()
        assert holder is not None and holder.pid == me.pid
    finally:
        await db.close()


async def test_two_starters_at_once_leave_one_holder(pg: TestStore) -> None:
    first_db, second_db = await Database.open(pg.settings()), await Database.open(pg.settings())
    try:
        first = LeaseRepository(first_db.store, ttl=TTL)
        second = LeaseRepository(second_db.store, ttl=TTL)
        async with first_db.write() as conn:
            await first.on(conn).acquire(NOW)
            # Not committed yet: without the lock the second starter would read "free" now.
            racing = asyncio.create_task(_acquire(second_db, second, NOW))
            await until_waiting(first_db, "the second starter waiting for the first one")
        with pytest.raises(InstanceRunningError, match="already running"):
            await racing
        holder = await second.current()
        assert holder is not None and holder.holder == first.holder_id

        async with first_db.write() as conn:
            await first.on(conn).release()
        both = await asyncio.gather(
            _acquire(first_db, first, NOW),
            _acquire(second_db, second, NOW),
            return_exceptions=True,
        )
        assert sorted(type(outcome).__name__ for outcome in both) == [
            "InstanceRunningError",
            "NoneType",
        ]
        holder = await first.current()
        winner = first if both[0] is None else second
        assert holder is not None and holder.holder == winner.holder_id
    finally:
        await first_db.close()
        await second_db.close()


async def test_a_takeover_waits_for_the_old_holders_write_in_flight(pg: TestStore) -> None:
    old_db, new_db = await Database.open(pg.settings()), await Database.open(pg.settings())
    try:
        old = LeaseRepository(old_db.store, ttl=TTL)
        new = LeaseRepository(new_db.store, ttl=TTL)
        new.hostname = "another-host"  # only the heartbeat tells it the old holder is gone
        await _acquire(old_db, old, NOW)
        old_db.fence = lambda conn: old.on(conn).check_held()

        # The newsroom's write, which passed the fence before the takeover began.
        with newsroom_writes():
            async with old_db.write() as conn:
                takeover = asyncio.create_task(_acquire(new_db, new, NOW + timedelta(seconds=61)))
                await until_waiting(old_db, "the takeover waiting for the write in flight")
                await StateRepository(conn).put("last.word", "the old holder's", now=NOW)
        await takeover

        holder = await new.current()
        assert holder is not None and holder.holder == new.holder_id
        assert await StateRepository(old_db.store).get("last.word") == "the old holder's"
        with pytest.raises(LeaseLostError, match="took over"), newsroom_writes():
            async with old_db.write() as conn:
                await StateRepository(conn).put("last.word", "too late", now=NOW)
        assert await StateRepository(old_db.store).get("last.word") == "the old holder's"
    finally:
        await old_db.close()
        await new_db.close()
