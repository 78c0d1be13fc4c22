"""The instance lease: one bot per database, taken over when the holder died."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.errors import InstanceRunningError
from storage.database import Database
from storage.lease import LeaseRepository

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
TTL = timedelta(seconds=60)


async def test_second_holder_refused_until_release(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    first_db, second_db = await Database.open(path), await Database.open(path)
    try:
        first = LeaseRepository(first_db.conn, ttl=TTL)
        second = LeaseRepository(second_db.conn, ttl=TTL)
        async with first_db.transaction():
            await first.acquire(NOW)
        with pytest.raises(InstanceRunningError, match="already running"):
            async with second_db.transaction():
                await second.acquire(NOW)
        async with first_db.transaction():
            await first.release()
        async with second_db.transaction():
            await second.acquire(NOW)
        assert (await second.current()) is not None
    finally:
        await first_db.close()
        await second_db.close()


async def test_stale_heartbeat_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    db = await Database.open(path)
    try:
        first = LeaseRepository(db.conn, ttl=TTL)
        second = LeaseRepository(db.conn, ttl=TTL)
        second.hostname = "another-host"  # a different machine: only the heartbeat tells
        async with db.transaction():
            await first.acquire(NOW)
        with pytest.raises(InstanceRunningError):
            async with db.transaction():
                await second.acquire(NOW + timedelta(seconds=30))
        async with db.transaction():
            await second.acquire(NOW + timedelta(seconds=61))
        holder = await second.current()
        assert holder is not None and holder.holder == second.holder_id
        async with db.transaction():
            assert await first.heartbeat(NOW + timedelta(seconds=62)) is False
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


async def test_dead_process_on_same_host_is_taken_over(tmp_path: Path) -> None:
    dead_pid = _pid_of_finished_process()
    db = await Database.open(tmp_path / "l.sqlite3")
    try:
        ghost = LeaseRepository(db.conn, ttl=TTL)
        ghost.pid = dead_pid
        async with db.transaction():
            await ghost.acquire(NOW)
        me = LeaseRepository(db.conn, ttl=TTL)
        async with db.transaction():
            await me.acquire(NOW)  # fresh heartbeat, but its process is gone
        holder = await me.current()
        assert holder is not None and holder.pid == me.pid
    finally:
        await db.close()
