"""FavoriteRepository on both engines: batches toggle and save, reads see what is saved now."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from storage.database import Database
from storage.favorites import FavoriteRepository
from tests.pgstore import TestStore
from tests.storage.posted import post, retract

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


async def test_savers_are_the_users_with_the_article_saved_now(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        one = await post(db, "https://news.example/1", at=NOW, message_id=1)
        two = await post(db, "https://news.example/2", at=NOW, message_id=2)
        async with db.write() as conn:
            repo = FavoriteRepository(conn)
            await repo.save_pairs([(30, one), (10, one), (20, one), (10, two)], now=NOW)
            await repo.toggle_pairs([(20, one)], now=NOW)  # 20 removed it again
        repo = FavoriteRepository(db.store)
        assert await repo.savers(one) == [10, 30]
        assert await repo.savers(two) == [10]
        assert await repo.savers(two + 1) == []
    finally:
        await db.close()


async def test_a_batch_flips_each_pair_and_leaves_unlisted_articles_alone(
    store: TestStore,
) -> None:
    db = await Database.open(store.settings())
    try:
        kept = await post(db, "https://news.example/k", at=NOW, message_id=1)
        gone = await post(db, "https://news.example/g", at=NOW, message_id=2)
        await retract(db, gone, at=NOW)
        async with db.write() as conn:
            states = await FavoriteRepository(conn).toggle_pairs(
                [(7, kept), (8, kept), (7, gone), (7, 424242)], now=NOW
            )
        assert states == {(7, kept): True, (8, kept): True}  # retracted, unknown: untouched
        later = NOW + timedelta(minutes=1)
        async with db.write() as conn:
            repo = FavoriteRepository(conn)
            assert await repo.toggle_pairs([(7, kept)], now=later) == {(7, kept): False}
            assert await repo.save_pairs([(7, kept), (8, kept)], now=later) == {
                (7, kept): True,
                (8, kept): True,
            }
        rows = await db.store.fetch(
            "SELECT user_id, saved_at, first_saved_at FROM favorites ORDER BY user_id"
        )
        # A re-save moves 7's favorite to the top; 8's was saved all along and keeps its time.
        assert [tuple(row) for row in rows] == [
            (7, "2026-11-27T12:01:00.000Z", "2026-11-27T12:00:00.000Z"),
            (8, "2026-11-27T12:00:00.000Z", "2026-11-27T12:00:00.000Z"),
        ]
    finally:
        await db.close()


async def test_pages_and_ids_are_the_most_recently_saved_first(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        ids = [await post(db, f"https://news.example/{n}", at=NOW, message_id=n) for n in range(4)]
        for minute, article_id in enumerate(ids):
            async with db.write() as conn:
                await FavoriteRepository(conn).save_pairs(
                    [(5, article_id)], now=NOW + timedelta(minutes=minute)
                )
        async with db.write() as conn:
            await FavoriteRepository(conn).remove(5, ids[1])
        repo = FavoriteRepository(db.store)
        assert await repo.saved_ids(5) == [ids[3], ids[2], ids[0]]
        page = await repo.page(5, offset=1, limit=1)
        assert [article.id for article in page] == [ids[2]]
        assert page[0].title == "Story https://news.example/2"
        await retract(db, ids[3], at=NOW)
        assert [a.id for a in await repo.page(5, offset=0, limit=10)] == [ids[2], ids[0]]
    finally:
        await db.close()


async def test_a_big_batch_is_one_statement(store: TestStore) -> None:
    # One JSON list (SQLite) or two arrays (PostgreSQL): no limit from the number of parameters.
    db = await Database.open(store.settings())
    try:
        article = await post(db, "https://news.example/big", at=NOW, message_id=1)
        pairs = [(user_id, article) for user_id in range(6_000, 0, -1)]
        async with db.write() as conn:
            states = await FavoriteRepository(conn).save_pairs(pairs, now=NOW)
        assert states == dict.fromkeys(pairs, True)
        assert len(await FavoriteRepository(db.store).savers(article)) == 6_000
    finally:
        await db.close()


async def test_two_batches_sharing_pairs_in_opposite_orders_do_not_deadlock(
    store: TestStore,
) -> None:
    # Two workers' writers at once: each batch locks its pairs in (user, article) order, so the
    # second waits for the first instead of each holding what the other needs. On SQLite the
    # writes are serialised anyway; on PostgreSQL both statements run at the same time.
    db = await Database.open(store.settings())
    try:
        articles = [
            await post(db, f"https://news.example/{n}", at=NOW, message_id=n) for n in range(2)
        ]
        pairs = [(user_id, a) for user_id in range(1, 1001) for a in articles]

        async def toggle(batch: list[tuple[int, int]]) -> dict[tuple[int, int], bool]:
            async with db.write() as conn:
                return await FavoriteRepository(conn).toggle_pairs(batch, now=NOW)

        for _ in range(3):
            first, second = await asyncio.gather(toggle(pairs), toggle(pairs[::-1]))
            assert set(first) == set(second) == set(pairs)
        # Six toggles of each pair: none was lost, so all are back to removed.
        assert await FavoriteRepository(db.store).savers(articles[0]) == []
    finally:
        await db.close()
