"""The webhook's update-id record: first taker wins, across connections; old ids pruned."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from storage.database import Database
from storage.webhook_updates import WebhookUpdateRepository
from tests.pgstore import TestStore

NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


async def take(db: Database, update_id: int, now: datetime = NOW) -> bool:
    async with db.write() as conn:
        return await WebhookUpdateRepository(conn).take(update_id, now=now)


async def test_an_id_is_taken_once_even_by_two_stores_at_once(store: TestStore) -> None:
    first = await Database.open(store.settings())
    second = await Database.open(store.settings())
    try:
        ids = list(range(1_000, 1_040))
        won = await asyncio.gather(
            *(take(db, update_id) for update_id in ids for db in (first, second))
        )
        assert sum(won) == len(ids)  # each id once, whichever store won it
        assert [a or b for a, b in zip(won[::2], won[1::2], strict=True)] == [True] * len(ids)
        assert not await take(first, 1_000)
    finally:
        await first.close()
        await second.close()


async def test_ids_older_than_the_cutoff_are_pruned_and_can_be_taken_again(
    store: TestStore,
) -> None:
    db = await Database.open(store.settings())
    try:
        assert await take(db, 1, NOW - timedelta(hours=26))
        assert await take(db, 2, NOW)
        async with db.write() as conn:
            gone = await WebhookUpdateRepository(conn).prune(before=NOW - timedelta(hours=25))
        assert gone == 1
        assert await take(db, 1)  # forgotten: a (week-later, random) reuse of the id is new
        assert not await take(db, 2)
        async with db.write() as conn:
            await WebhookUpdateRepository(conn).forget(2)
        assert await take(db, 2)
    finally:
        await db.close()


async def test_a_batch_returns_only_its_new_ids_and_racing_batches_share_them_out(
    store: TestStore,
) -> None:
    first = await Database.open(store.settings())
    second = await Database.open(store.settings())

    async def take_many(db: Database, ids: list[int]) -> set[int]:
        async with db.write() as conn:
            return await WebhookUpdateRepository(conn).take_many(ids, now=NOW)

    try:
        assert await take(first, 5)
        assert await take_many(first, [7, 5, 6]) == {6, 7}
        assert await take_many(first, []) == set()
        # Two workers' overlapping batches at once (redeliveries racing): each id won once.
        ids = list(range(100, 160))
        won = await asyncio.gather(take_many(first, ids[:40]), take_many(second, ids[20:]))
        assert won[0] | won[1] == set(ids)
        assert not won[0] & won[1]
        assert await take_many(second, [5, 100, 159, 160]) == {160}
    finally:
        await first.close()
        await second.close()
