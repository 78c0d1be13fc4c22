"""The webhook's batched dedupe on a real store: concurrent requests share writes, not answers."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from datetime import UTC, datetime

from bot.webhook.takes import BatchedTake
from storage.database import Database
from storage.webhook_updates import WebhookUpdateRepository
from tests.pgstore import TestStore

NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


class Recorder:
    """The receiver's record function on `db`, counting the writes and their sizes."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.batches: list[int] = []

    async def __call__(self, update_ids: Collection[int]) -> set[int]:
        self.batches.append(len(update_ids))
        async with self.db.write() as conn:
            return await WebhookUpdateRepository(conn).take_many(update_ids, now=NOW)


async def test_concurrent_takes_are_written_together_and_each_id_is_new_once(
    store: TestStore,
) -> None:
    db = await Database.open(store.settings())
    try:
        recorder = Recorder(db)
        takes = BatchedTake(recorder)
        assert await takes.take(1)  # alone: written at once, without waiting for company
        assert recorder.batches == [1]
        # 200 requests at once, with 1 (seen) and each of 2..21 twice (redelivered).
        ids = [1, *range(2, 200), *range(2, 22)]
        fresh = await asyncio.gather(*(takes.take(i) for i in ids))
        assert dict(zip(ids[:199], fresh[:199], strict=True)) == {
            1: False,
            **{i: True for i in range(2, 200)},
        }
        assert fresh[199:] == [False] * 20  # the second request with an id is not new
        assert len(recorder.batches) <= 3  # the first write, then the rest together
        assert sum(recorder.batches) == 1 + 199  # 1..199 once each, duplicates not written twice
        assert not await takes.take(150)
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
        assert await asyncio.gather(*(takes.take(i) for i in range(10))) == [True] * 10
        assert not await takes.take(3)
    finally:
        await recorder.db.close()
