"""Two write transactions on one PostgreSQL store, the second made to wait for the first.

A claim is exclusive across processes only if the second transaction, arriving while the first
holds its row, waits and then sees the first one's work. `race` sets that up for real: the first
transaction does its work and stays open; the second starts and must be seen *waiting on a lock*
(in `pg_stat_activity`) before the first commits. What each returned is handed back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from storage.database import Database
from storage.sql import StoreConn
from tests.pgstore import TestStore

A = TypeVar("A")
B = TypeVar("B")

_WAITING = (
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


async def open_pg(url: str) -> Database:
    """The store in the PostgreSQL database at `url` (the `pg_database` fixture's)."""
    return await Database.open(TestStore("postgres", {"url": url}).settings())


async def until_waiting_on_a_lock(db: Database, *, seconds: float = 5.0) -> None:
    """Return once some transaction of this database waits on a lock; fail after `seconds`."""
    async with asyncio.timeout(seconds):
        # The server knows, not this process: there is no event to wait on, so it is polled.
        while not await db.store.fetchval(_WAITING):  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def race(
    db: Database,
    first: Callable[[StoreConn], Awaitable[A]],
    second: Callable[[StoreConn], Awaitable[B]],
) -> tuple[A, B]:
    """`first` in a transaction held open until `second`, in another, waits on it; both results."""
    assert db.engine == "postgres", "a race needs two connections: PostgreSQL"
    worked, release = asyncio.Event(), asyncio.Event()

    async def one() -> A:
        async with db.write() as conn:
            result = await first(conn)
            worked.set()
            await release.wait()
        return result

    async def two() -> B:
        async with db.write() as conn:
            return await second(conn)

    async with asyncio.timeout(20):
        holder = asyncio.create_task(one())
        worked_task = asyncio.create_task(worked.wait())
        await asyncio.wait({holder, worked_task}, return_when=asyncio.FIRST_COMPLETED)
        if not worked.is_set():
            worked_task.cancel()
            await holder  # it failed before doing its work: raise that
        waiter = asyncio.create_task(two())
        try:
            await until_waiting_on_a_lock(db)
            assert not waiter.done(), "the second transaction did not wait for the first"
        finally:
            release.set()
            outcomes = await asyncio.gather(holder, waiter, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return holder.result(), waiter.result()
