"""Breaking news in the store, on both engines: previews, held articles, posts, retraction.

Every statement of `PreviewRepository` and `BreakingPostRepository` runs here at least once on
each engine. One PostgreSQL-only test shows a preview is published once when two transactions
press Publish together.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import DeliveryState
from storage.breaking import HELD_UNTIL, BreakingPostRepository, PreviewRepository
from storage.database import Database
from storage.deliveries import UNROUTED, DeliveryRepository
from storage.times import parse_time
from tests.pgstore import TestStore
from tests.storage.shared import add_article, until_waiting

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=10)
ACTOR = 5_000_000_001  # Telegram user ids pass 2**31


async def test_a_preview_is_decided_once(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:
            article = await add_article(conn, "a", NOW)
            previews = PreviewRepository(conn)
            typed = await previews.create(
                actor_id=ACTOR,
                text="Quake hits the coast",
                photo_file_id=None,
                article_id=None,
                fingerprint="f-typed",
                now=NOW,
            )
            stored = await previews.create(
                actor_id=ACTOR,
                text=None,
                photo_file_id="photo-1",
                article_id=article,
                fingerprint="f-stored",
                now=NOW,
                channels=("en", "ar"),
            )
        reads = PreviewRepository(db.store)
        first = await reads.get(typed)
        assert first is not None and (first.actor_id, first.text) == (
            ACTOR,
            "Quake hits the coast",
        )
        assert first.state == "open" and first.channels is None and first.article_id is None
        second = await reads.get(stored)
        assert second is not None and second.channels == ("en", "ar")
        assert second.photo_file_id == "photo-1" and second.article_id == article
        assert await reads.get(stored + 100) is None
        assert await reads.stale_open(LATER) == [stored]  # only stored articles hold a row

        async with db.write() as conn:
            previews = PreviewRepository(conn)
            assert await previews.choose_channels(stored, ())
            assert await previews.decide(stored, "publishing", now=LATER)
            assert not await previews.decide(stored, "publishing", now=LATER)  # second press
            assert not await previews.choose_channels(stored, ("en",))  # no longer open
            await previews.finish(stored, "published", article_id=None, message_id=77, now=LATER)
            assert await previews.decide(typed, "publishing", now=LATER)
            await previews.finish(typed, "published", article_id=article, message_id=78, now=LATER)
        done = await reads.get(stored)
        assert done is not None and (done.state, done.message_id) == ("published", 77)
        assert done.article_id == article and done.channels == () and done.decided_at == LATER
        typed_done = await reads.get(typed)
        assert typed_done is not None and typed_done.article_id == article
        assert await reads.published_since("f-stored", NOW) == LATER
        assert await reads.published_since("f-stored", LATER + timedelta(seconds=1)) is None
        assert await reads.stale_open(LATER) == []
    finally:
        await db.close()


async def test_a_held_article_waits_for_its_push(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:
            article = await add_article(conn, "a", NOW)
            await DeliveryRepository(conn).mark_skipped(article, "no channel takes it", now=NOW)
            await BreakingPostRepository(conn).hold_for_push(
                article, channels=("en", "ar"), now=NOW
            )
        deliveries = DeliveryRepository(db.store)
        held = await deliveries.all_for(article)
        assert [(d.channel, d.state) for d in held] == [
            ("en", DeliveryState.PENDING),
            ("ar", DeliveryState.PENDING),
        ]
        assert {d.next_attempt_at for d in held} == {parse_time(HELD_UNTIL)}
        assert await deliveries.next_due(LATER, "en") is None  # the routine pass leaves it
        assert (await deliveries.get(article)) == held[0]  # the unrouted record is gone

        async with db.write() as conn:
            await BreakingPostRepository(conn).release_hold(article, now=LATER)
        due = await deliveries.next_due(LATER, "en")
        assert due is not None and due[1].id == article
    finally:
        await db.close()


async def test_posts_pins_and_a_repush(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:
            article = await add_article(conn, "a", NOW)
            posts = BreakingPostRepository(conn)
            await posts.mark_breaking(article)
            for channel, message in (("en", 10), ("ar", 11)):
                await posts.record(
                    article,
                    channel=channel,
                    chat_id=f"-100{channel}",
                    message_id=message,
                    photo_file_id=None,
                    pinned=True,
                    unpin_at=NOW + timedelta(hours=2),
                    now=NOW,
                )
        reads = BreakingPostRepository(db.store)
        assert [p.channel for p in await reads.posts(article)] == ["en", "ar"]
        breaking = await db.store.fetchval(
            "SELECT is_breaking FROM articles WHERE id = $1", article
        )
        assert breaking == 1

        async with db.write() as conn:  # pushed again to en: the record is replaced
            await BreakingPostRepository(conn).record(
                article,
                channel="en",
                chat_id="-100en",
                message_id=20,
                photo_file_id="photo-2",
                pinned=False,
                unpin_at=None,
                now=LATER,
            )
        repushed = await reads.get(article, "en")
        assert repushed is not None and (repushed.message_id, repushed.pinned) == (20, False)
        assert repushed.photo_file_id == "photo-2" and repushed.posted_at == LATER
        assert len(await reads.posts(article)) == 2
        first = await reads.get(article)
        assert first is not None and first.channel == "en"  # kept its place among the posts
        assert await reads.get(article, "fr") is None

        due = await reads.due_unpins(NOW + timedelta(hours=3))
        assert [(p.channel, p.pinned) for p in due] == [("ar", True)]
        async with db.write() as conn:
            await BreakingPostRepository(conn).mark_unpinned(article, "ar")
        assert await reads.due_unpins(NOW + timedelta(hours=3)) == []
        async with db.write() as conn:
            await BreakingPostRepository(conn).record(
                article,
                channel="ar",
                chat_id="-100ar",
                message_id=21,
                photo_file_id=None,
                pinned=True,
                unpin_at=LATER,
                now=LATER,
            )
            await BreakingPostRepository(conn).mark_unpinned(article)  # every channel
        assert not any(p.pinned for p in await reads.posts(article))
    finally:
        await db.close()


async def test_a_retraction_happens_once_and_stops_every_channel(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:
            routed = await add_article(conn, "routed", NOW)
            unseen = await add_article(conn, "unseen", NOW)
            await DeliveryRepository(conn).ensure(routed, channel="en", now=NOW)
            await BreakingPostRepository(conn).record(
                routed,
                channel="en",
                chat_id="-100",
                message_id=5,
                photo_file_id=None,
                pinned=True,
                unpin_at=LATER,
                now=NOW,
            )
        reads = BreakingPostRepository(db.store)
        assert await reads.retracted_at(routed) is None
        async with db.write() as conn:
            posts = BreakingPostRepository(conn)
            assert await posts.retract(routed, reason="wrong", now=LATER)
            assert not await posts.retract(routed, reason="again", now=LATER)
            assert await posts.retract(unseen, reason="wrong", now=LATER)
        assert await reads.retracted_at(routed) == LATER
        deliveries = DeliveryRepository(db.store)
        record = await deliveries.get(routed, "en")
        assert record is not None and (record.state, record.skip_reason) == (
            DeliveryState.SKIPPED,
            "wrong",
        )
        never = await deliveries.get(unseen)  # never routed: set aside with no channel
        assert never is not None and never.channel == UNROUTED
        assert never.state is DeliveryState.SKIPPED
        assert not any(p.pinned for p in await reads.posts(routed))
    finally:
        await db.close()


@pytest.fixture
def pg(pg_database: str) -> TestStore:
    """A PostgreSQL store only: SQLite serialises write transactions, there is no race."""
    return TestStore("postgres", {"url": pg_database})


async def test_two_presses_in_two_transactions_publish_once(pg: TestStore) -> None:
    db = await Database.open(pg.settings())
    try:
        async with db.write() as conn:
            preview = await PreviewRepository(conn).create(
                actor_id=ACTOR,
                text="Quake",
                photo_file_id=None,
                article_id=None,
                fingerprint="f",
                now=NOW,
            )

        async def press() -> bool:
            async with db.write() as conn:
                return await PreviewRepository(conn).decide(preview, "publishing", now=NOW)

        async with db.write() as conn:
            assert await PreviewRepository(conn).decide(preview, "publishing", now=NOW)
            second = asyncio.create_task(press())
            await until_waiting(db, "the second press waiting for the first one's row")
        assert await second is False
    finally:
        await db.close()
