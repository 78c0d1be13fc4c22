"""The webhook's batched dedupe on a real store: concurrent requests share writes, not answers."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from bot.domain.webhook import Taken
from bot.webhook.takes import BatchedTake
from storage.database import Database
from storage.webhook_updates import HAND_OVER_GRACE, WebhookUpdateRepository
from storage.workers import WorkerRepository
from tests.pgstore import TestStore

NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
WORKER = "worker-a"


class Recorder:
    """The receiver's record function on `db`, counting the writes and their sizes."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.batches: list[int] = []

    async def __call__(self, update_ids: Collection[int]) -> dict[int, Taken]:
        self.batches.append(len(update_ids))
        async with self.db.write() as conn:
            return await WebhookUpdateRepository(conn).take_many(
                update_ids, worker=WORKER, now=NOW, ttl=timedelta(seconds=60)
            )

    async def beat(self, at: datetime) -> None:
        """The worker's heartbeat at `at`: past a take plus the grace, the take counts as done."""
        async with self.db.write() as conn:
            await WorkerRepository(conn).beat(
                WORKER, hostname="elsewhere", pid=4242, command="run", now=at
            )


async def test_concurrent_takes_are_written_together_and_each_id_is_new_once(
    store: TestStore,
) -> None:
    db = await Database.open(store.settings())
    try:
        recorder = Recorder(db)
        takes = BatchedTake(recorder)
        await recorder.beat(NOW)
        assert await takes.take(1) is Taken.NEW  # alone: written at once, no waiting
        assert recorder.batches == [1]
        await recorder.beat(NOW + HAND_OVER_GRACE)  # 1 is handed on by now
        # 200 requests at once, with 1 (seen) and each of 2..21 twice (redelivered).
        ids = [1, *range(2, 200), *range(2, 22)]
        got = await asyncio.gather(*(takes.take(i) for i in ids))
        assert dict(zip(ids[:199], got[:199], strict=True)) == {
            1: Taken.SEEN,
            **{i: Taken.NEW for i in range(2, 200)},
        }
        # The second request with an id is answered busy (503): the first is being handed on.
        assert got[199:] == [Taken.BUSY] * 20
        assert len(recorder.batches) <= 3  # the first write, then the rest together
        assert sum(recorder.batches) == 1 + 199  # 1..199 once each, duplicates not written twice
        assert await takes.take(150) is Taken.SEEN  # taken at NOW; the worker beat past it
    finally:
        await db.close()


async def test_a_failed_write_fails_every_request_in_it_and_the_next_write_works(
    store: TestStore,
) -> None:
    db = await Database.open(store.settings())
    recorder = Recorder(db)
    takes = BatchedTake(recorder, max_batch=50)
    await db.close()  # the store is gone: each request must fail (answered 503), none lost
    outcomes = await asyncio.gather(*(takes.take(i) for i in range(10)), return_exceptions=True)
    assert all(isinstance(o, Exception) for o in outcomes)
    recorder.db = await Database.open(store.settings())  # back: the retries are new
    try:
        assert await asyncio.gather(*(takes.take(i) for i in range(10))) == [Taken.NEW] * 10
        assert await takes.take(3) is Taken.SEEN  # taken by this worker in a former batch
    finally:
        await recorder.db.close()
