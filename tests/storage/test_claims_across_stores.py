"""Routine claims from two stores (two processes) on one database, with an editor's hold between.

A routine pass reads the next due article, then claims it in its own write transaction. Another
process may act in between: claim the article itself, or hold it for a breaking push. The claim
alone must settle it, on both engines: each article is claimed once, and never by the routine
pass once it is held for a push.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.domain import DeliveryState
from storage.breaking import BreakingPostRepository
from storage.database import Database
from storage.deliveries import DeliveryRepository
from tests.pgstore import TestStore
from tests.storage.shared import add_article

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
STORIES = 30


async def test_a_routine_claim_read_before_a_hold_leaves_the_article_to_the_push(
    store: TestStore,
) -> None:
    bot, desk = await Database.open(store.settings()), await Database.open(store.settings())
    try:
        async with bot.write() as conn:
            article = await add_article(conn, "held", NOW - timedelta(minutes=5))
            await DeliveryRepository(conn).ensure(article, channel="en", now=NOW)
        due = await DeliveryRepository(bot.store).next_due(NOW, "en")  # the pass reads...
        assert due is not None and due[1].id == article
        async with desk.write() as conn:  # ...an editor's preview holds it...
            await BreakingPostRepository(conn).hold_for_push(article, channels=("en",), now=NOW)
        async with bot.write() as conn:  # ...and the pass's claim must find it held
            claimed = await DeliveryRepository(conn).claim(
                article, channel="en", now=NOW, due=True
            )
        assert claimed is False
        async with desk.write() as conn:  # the push still gets it
            assert await DeliveryRepository(conn).claim(
                article, channel="en", now=NOW, repost=True
            )
        record = await DeliveryRepository(bot.store).get(article, "en")
        assert record is not None and record.attempts == 1
    finally:
        await bot.close()
        await desk.close()


async def test_a_routine_claim_leaves_a_failed_post_until_its_retry_is_due(
    store: TestStore,
) -> None:
    first, second = await Database.open(store.settings()), await Database.open(store.settings())
    try:
        async with first.write() as conn:
            article = await add_article(conn, "retry", NOW - timedelta(minutes=5))
            await DeliveryRepository(conn).ensure(article, channel="en", now=NOW)
        assert await DeliveryRepository(second.store).next_due(NOW, "en") is not None
        async with first.write() as conn:  # the other process sends it and fails
            deliveries = DeliveryRepository(conn)
            assert await deliveries.claim(article, channel="en", now=NOW, due=True)
            await deliveries.mark_failed(
                article, channel="en", error="500", retry_at=NOW + timedelta(minutes=1), now=NOW
            )
        async with second.write() as conn:  # the stale read must not retry it at once
            deliveries = DeliveryRepository(conn)
            assert not await deliveries.claim(article, channel="en", now=NOW, due=True)
            later = NOW + timedelta(minutes=1)
            assert await deliveries.claim(article, channel="en", now=later, due=True)
    finally:
        await first.close()
        await second.close()


async def test_two_stores_draining_one_queue_claim_each_article_once(store: TestStore) -> None:
    stores = [await Database.open(store.settings()) for _ in range(2)]
    try:
        async with stores[0].write() as conn:
            for n in range(STORIES):
                article = await add_article(conn, f"s{n}", NOW - timedelta(minutes=STORIES - n))
                await DeliveryRepository(conn).ensure(article, channel="en", now=NOW)

        async def drain(db: Database) -> list[int]:
            """A routine pass: read the next due, claim it, post it; until none is due."""
            posted: list[int] = []
            while (due := await DeliveryRepository(db.store).next_due(NOW, "en")) is not None:
                article = due[1].id
                async with db.write() as conn:
                    if not await DeliveryRepository(conn).claim(
                        article, channel="en", now=NOW, due=True
                    ):
                        continue
                async with db.write() as conn:
                    assert await DeliveryRepository(conn).mark_posted(
                        article,
                        channel="en",
                        chat_id="-100",
                        message_id=article,
                        has_photo=False,
                        content_hash="h",
                        now=NOW,
                    )
                posted.append(article)
            return posted

        async with asyncio.timeout(20):
            one, two = await asyncio.gather(*(drain(db) for db in stores))
        assert len(one) + len(two) == STORIES
        assert len(set(one) | set(two)) == STORIES  # none posted twice
        if store.engine == "postgres":  # SQLite's busy wait may let one store take them all
            assert one and two, "both stores took part"
    finally:
        for db in stores:
            await db.close()


async def test_a_push_waiting_out_a_429_keeps_its_article_from_the_routine_pass(
    store: TestStore,
) -> None:
    bot, desk = await Database.open(store.settings()), await Database.open(store.settings())
    try:
        async with desk.write() as conn:
            article = await add_article(conn, "pushed", NOW - timedelta(minutes=5))
            await BreakingPostRepository(conn).hold_for_push(article, channels=("en",), now=NOW)
            deliveries = DeliveryRepository(conn)
            assert await deliveries.claim(article, channel="en", now=NOW, repost=True)
            # 429: the push releases its claim for the wait, still held for itself
            assert await deliveries.requeue(
                article, channel="en", now=NOW, only_from=(DeliveryState.SENDING,), held=True
            )
        later = NOW + timedelta(hours=1)
        assert await DeliveryRepository(bot.store).next_due(later, "en") is None
        async with bot.write() as conn:  # a routine pass elsewhere cannot take it...
            assert not await DeliveryRepository(conn).claim(
                article, channel="en", now=later, due=True
            )
        async with desk.write() as conn:  # ...the push claims it again after its wait
            assert await DeliveryRepository(conn).claim(article, channel="en", now=later)
    finally:
        await bot.close()
        await desk.close()
