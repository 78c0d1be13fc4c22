"""The webhook's update-id record: who took each id, and what a later delivery of it gets.

New ids are taken; an id whose taker is gone is re-taken; one whose taker lived past the
hand-over is seen; one a live worker took moments ago is busy. Two "workers" are two worker
ids registered in `workers` (and, where they race, two stores with their own connections).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.domain.webhook import Taken
from storage.database import Database
from storage.webhook_updates import HAND_OVER_GRACE, WebhookUpdateRepository
from storage.workers import WorkerRepository
from tests.pgstore import TestStore

NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
TTL = timedelta(seconds=60)
A, B, C = "worker-a", "worker-b", "worker-c"


async def beat(db: Database, worker: str, at: datetime) -> None:
    """`worker` heart-beats at `at` (registering if it is new), as a running bot does."""
    async with db.write() as conn:
        await WorkerRepository(conn).beat(
            worker, hostname="elsewhere", pid=4242, command="run", now=at
        )


async def take(db: Database, update_id: int, worker: str, now: datetime = NOW) -> Taken:
    async with db.write() as conn:
        return await WebhookUpdateRepository(conn).take(update_id, worker=worker, now=now, ttl=TTL)


async def take_many(
    db: Database, ids: list[int], worker: str, now: datetime = NOW
) -> dict[int, Taken]:
    async with db.write() as conn:
        return await WebhookUpdateRepository(conn).take_many(ids, worker=worker, now=now, ttl=TTL)


async def taker(db: Database, update_id: int) -> str | None:
    """Who the store says took `update_id` (None: no row)."""
    value = await db.store.fetchval(
        "SELECT taken_by FROM webhook_updates WHERE update_id = $1", update_id
    )
    return None if value is None else str(value)


async def test_each_case_of_a_second_delivery(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        await beat(db, A, NOW)
        await beat(db, B, NOW)
        assert await take(db, 1, A) is Taken.NEW
        # A took it moments ago and has not beat since: it may be handing it on, or dying.
        assert await take(db, 1, B, NOW + timedelta(seconds=1)) is Taken.BUSY
        assert await take(db, 1, A, NOW + timedelta(seconds=1)) is Taken.SEEN  # its own
        # A beats before the grace is up: still not proof the hand-over happened.
        await beat(db, A, NOW + HAND_OVER_GRACE - timedelta(seconds=1))
        assert await take(db, 1, B, NOW + HAND_OVER_GRACE) is Taken.BUSY
        # A beats past the take plus the grace: it lived through the hand-over.
        await beat(db, A, NOW + HAND_OVER_GRACE)
        later = NOW + HAND_OVER_GRACE + timedelta(seconds=5)
        assert await take(db, 1, B, later) is Taken.SEEN
        assert await take(db, 1, A, later) is Taken.SEEN
        assert await taker(db, 1) == A
    finally:
        await db.close()


async def test_an_id_taken_by_a_worker_that_went_silent_is_re_taken_once(
    store: TestStore,
) -> None:
    db = await Database.open(store.settings())
    try:
        await beat(db, A, NOW)
        assert await take(db, 7, A) is Taken.NEW  # ...and A is killed before handing it on
        # Within the time-to-live A still looks alive: the redelivery waits (503).
        assert await take(db, 7, B, NOW + TTL) is Taken.BUSY
        silent = NOW + TTL + timedelta(seconds=1)
        await beat(db, B, silent)
        assert await take(db, 7, B, silent) is Taken.NEW
        assert await taker(db, 7) == B
        # B now holds it: a third worker's delivery of it is B's to finish, not re-taken.
        await beat(db, C, silent)
        assert await take(db, 7, C, silent) is Taken.BUSY
        assert await take(db, 7, B, silent) is Taken.SEEN  # B's own: handed on in B
    finally:
        await db.close()


async def test_an_id_whose_taker_has_no_worker_row_is_re_taken(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        # A killed single bot: its row was swept by the next bot's takeover (a new worker id).
        await beat(db, A, NOW)
        assert await take(db, 3, A) is Taken.NEW
        async with db.write() as conn:
            await WorkerRepository(conn).leave(A)
        await beat(db, B, NOW)
        assert await take(db, 3, B, NOW + timedelta(seconds=2)) is Taken.NEW
        assert await taker(db, 3) == B
    finally:
        await db.close()


async def test_ids_recorded_before_takers_were_named_stay_seen(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:  # as a worker of the previous version recorded it
            await conn.execute(
                "INSERT INTO webhook_updates (update_id, received_at) VALUES ($1, $2)",
                9,
                "2026-12-01T04:59:59.000Z",
            )
        await beat(db, B, NOW)
        assert await take(db, 9, B) is Taken.SEEN
        assert await taker(db, 9) is None
    finally:
        await db.close()


async def test_a_batch_answers_each_id_and_writes_only_new_and_re_taken(
    store: TestStore,
) -> None:
    db = await Database.open(store.settings())
    try:
        await beat(db, A, NOW - TTL * 2)  # silent since: gone
        await beat(db, B, NOW)
        assert await take_many(db, [10, 11], A, NOW - TTL * 2) == {
            10: Taken.NEW,
            11: Taken.NEW,
        }
        assert await take(db, 12, B, NOW - HAND_OVER_GRACE * 2) is Taken.NEW  # B beat since
        assert await take(db, 13, B) is Taken.NEW
        got = await take_many(db, [14, 13, 12, 11, 10], C)
        assert got == {
            10: Taken.NEW,
            11: Taken.NEW,
            12: Taken.SEEN,
            13: Taken.BUSY,
            14: Taken.NEW,
        }
        assert [await taker(db, i) for i in (10, 11, 12, 13, 14)] == [C, C, B, B, C]
        assert await take_many(db, [], C) == {}
    finally:
        await db.close()


async def test_an_id_is_taken_once_even_by_two_stores_at_once(store: TestStore) -> None:
    first = await Database.open(store.settings())
    second = await Database.open(store.settings())
    try:
        await beat(first, A, NOW)
        await beat(first, B, NOW)
        ids = list(range(1_000, 1_040))
        got = await asyncio.gather(
            *(take(db, i, w) for i in ids for db, w in ((first, A), (second, B)))
        )
        # Each id new for exactly one of the two; the other finds it freshly taken (busy).
        pairs = list(zip(got[::2], got[1::2], strict=True))
        assert all(sorted(p, key=lambda t: t.value) == [Taken.BUSY, Taken.NEW] for p in pairs)
        # Overlapping batches racing: each id new once across both.
        ids = list(range(100, 160))
        won = await asyncio.gather(take_many(first, ids[:40], A), take_many(second, ids[20:], B))
        new = [i for batch in won for i, t in batch.items() if t is Taken.NEW]
        assert sorted(new) == ids
    finally:
        await first.close()
        await second.close()


async def test_old_ids_are_pruned_and_only_the_taker_can_forget_one(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        await beat(db, A, NOW)
        assert await take(db, 1, A, NOW - timedelta(hours=26)) is Taken.NEW
        assert await take(db, 2, A) is Taken.NEW
        async with db.write() as conn:
            gone = await WebhookUpdateRepository(conn).prune(before=NOW - timedelta(hours=25))
        assert gone == 1
        assert await take(db, 1, A) is Taken.NEW  # forgotten: a later reuse of the id is new
        async with db.write() as conn:
            await WebhookUpdateRepository(conn).forget(2, worker=B)  # not B's to forget
        assert await taker(db, 2) == A
        async with db.write() as conn:
            await WebhookUpdateRepository(conn).forget(2, worker=A)  # A could not hand it on
        assert await taker(db, 2) is None
        assert await take(db, 2, A) is Taken.NEW
    finally:
        await db.close()
