"""`deliveries` on both engines: each record's way to a channel, and the reads the pass makes.

Every statement of `DeliveryRepository` (and the queries it inherits) runs here at least once
on each engine. One PostgreSQL-only test shows the claim is exclusive across transactions: the
second claimer waits for the first one's row lock, then finds nothing to claim.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import DeliveryState
from storage.database import Database
from storage.deliveries import UNROUTED, DeliveryRepository
from tests.pgstore import TestStore
from tests.storage.shared import add_article, until_waiting

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=10)


async def test_records_per_channel_and_the_first_one(db: Database) -> None:
    async with db.write() as conn:
        article = await add_article(conn, "a", NOW)
        deliveries = DeliveryRepository(conn)
        assert await deliveries.mark_skipped(article, "no channel takes it", now=NOW)
        assert not await deliveries.mark_skipped(article, "again", now=NOW)  # already has one
    reads = DeliveryRepository(db.store)
    unrouted = await reads.get(article)
    assert unrouted is not None and unrouted.channel == UNROUTED
    assert unrouted.skip_reason == "no channel takes it"
    assert await reads.all_for(article) == []  # the unrouted record is no channel's

    async with db.write() as conn:
        await DeliveryRepository(conn).ensure(article, channel="en", now=NOW)
        await DeliveryRepository(conn).ensure(article, channel="ar", now=LATER)
        await DeliveryRepository(conn).ensure(article, channel="en", now=LATER)  # kept
    first = await reads.get(article)  # the oldest record: the first channel routed
    assert first is not None and first.channel == "en" and first.updated_at == NOW
    assert [d.channel for d in await reads.all_for(article)] == ["en", "ar"]
    assert await reads.get(article, "fr") is None
    assert await reads.state_of(article) == "pending"
    assert await reads.counts() == {DeliveryState.PENDING: 2}


async def test_a_post_goes_out_once_and_its_repost_supersedes_it(db: Database) -> None:
    async with db.write() as conn:
        article = await add_article(conn, "a", NOW)
        deliveries = DeliveryRepository(conn)
        await deliveries.ensure(article, channel="en", now=NOW)
        assert await deliveries.claim(article, channel="en", now=NOW)
        assert not await deliveries.claim(article, channel="en", now=NOW)  # being sent
        assert await deliveries.mark_posted(
            article,
            channel="en",
            chat_id="-100",
            message_id=7,
            has_photo=True,
            content_hash="h1",
            now=NOW,
        )
    reads = DeliveryRepository(db.store)
    posted = await reads.get(article, "en")
    assert posted is not None and posted.state is DeliveryState.POSTED
    assert (posted.message_id, posted.has_photo, posted.attempts) == (7, True, 1)
    assert posted.posted_at == NOW and await reads.last_posted_at() == NOW
    assert await reads.superseded_posts(article) == []

    async with db.write() as conn:
        deliveries = DeliveryRepository(conn)
        assert not await deliveries.claim(article, channel="en", now=LATER)  # posted
        assert await deliveries.claim(article, channel="en", now=LATER, repost=True)
        # The same message again is no replacement; another one keeps the first.
        assert await deliveries.mark_posted(
            article,
            channel="en",
            chat_id="-100",
            message_id=9,
            has_photo=False,
            content_hash="h2",
            now=LATER,
        )
        assert not await deliveries.mark_posted(  # no longer being sent
            article,
            channel="en",
            chat_id="-100",
            message_id=10,
            has_photo=False,
            content_hash="h3",
            now=LATER,
        )
    assert await reads.superseded_posts(article) == [("-100", 7)]
    reposted = await reads.get(article, "en")
    assert reposted is not None and (reposted.message_id, reposted.attempts) == (9, 2)

    async with db.write() as conn:
        deliveries = DeliveryRepository(conn)
        await deliveries.mark_corrected(
            article, channel="en", content_hash="h4", edited=True, now=LATER
        )
        await deliveries.mark_corrected(
            article, channel="en", content_hash="h5", edited=False, now=LATER
        )
        await deliveries.move_chat("-100", "-200")
    moved = await reads.get(article, "en")
    assert moved is not None and (moved.chat_id, moved.content_hash) == ("-200", "h5")
    corrections = await db.store.fetchval(
        "SELECT corrections FROM deliveries WHERE article_id = $1", article
    )
    assert corrections == 1


async def test_failures_retries_and_uncertain_posts(db: Database) -> None:
    async with db.write() as conn:
        first = await add_article(conn, "first", NOW)
        second = await add_article(conn, "second", NOW + timedelta(minutes=1))
        deliveries = DeliveryRepository(conn)
        for article in (first, second):
            await deliveries.ensure(article, channel="en", now=NOW)
    reads = DeliveryRepository(db.store)
    due = await reads.next_due(NOW, "en")
    assert due is not None and due[1].id == first  # the oldest article first

    async with db.write() as conn:
        deliveries = DeliveryRepository(conn)
        assert await deliveries.claim(first, channel="en", now=NOW)
        await deliveries.mark_failed(first, channel="en", error="429", retry_at=LATER, now=NOW)
        assert await deliveries.claim(second, channel="en", now=NOW)
    due = await reads.next_due(NOW, "en")
    assert due is None  # the first waits for its retry, the second is being sent
    due = await reads.next_due(LATER, "en")
    assert due is not None and due[0].state is DeliveryState.FAILED and due[0].last_error
    assert [a.id for a in await reads.would_post(now=LATER, cutoff=NOW)] == [first]

    async with db.write() as conn:
        interrupted = await DeliveryRepository(conn).interrupted_to_uncertain(now=LATER)
    assert interrupted == [second]
    assert await reads.unreported_uncertain() == [second]
    async with db.write() as conn:
        deliveries = DeliveryRepository(conn)
        await deliveries.mark_reported(second, now=LATER)
        assert not await deliveries.requeue(
            second, now=LATER, only_from=(DeliveryState.FAILED, DeliveryState.SKIPPED)
        )
        assert await deliveries.requeue(
            second, now=LATER, only_from=(DeliveryState.FAILED, DeliveryState.UNCERTAIN)
        )
    assert await reads.unreported_uncertain() == []
    assert await reads.counts() == {DeliveryState.FAILED: 1, DeliveryState.PENDING: 1}


async def test_skips_quarantine_and_release(db: Database) -> None:
    async with db.write() as conn:
        routed = await add_article(conn, "routed", NOW)
        fresh = await add_article(conn, "fresh", NOW)
        deliveries = DeliveryRepository(conn)
        await deliveries.ensure(routed, channel="en", now=NOW)
        await deliveries.ensure(routed, channel="ar", now=NOW)
        await deliveries.leave_out(routed, ["ar", "fr"], "pushed to en only", now=NOW)
        await deliveries.quarantine(fresh, "unreadable published_at", now=NOW)
    reads = DeliveryRepository(db.store)
    states = {d.channel: (d.state, d.skip_reason) for d in await reads.all_for(routed)}
    assert states == {
        "en": (DeliveryState.PENDING, None),
        "ar": (DeliveryState.SKIPPED, "pushed to en only"),
        "fr": (DeliveryState.SKIPPED, "pushed to en only"),
    }
    set_aside = await reads.get(fresh)
    assert set_aside is not None and set_aside.channel == UNROUTED

    async with db.write() as conn:
        deliveries = DeliveryRepository(conn)
        await deliveries.quarantine(routed, "unreadable title", now=LATER)
        await deliveries.release(fresh, now=LATER)  # unrouted: routed afresh
        await deliveries.release(routed, now=LATER)
        await deliveries.skip(routed, "editor", now=LATER, channel="en")
    assert await reads.get(fresh) is None
    states = {d.channel: (d.state, d.skip_reason) for d in await reads.all_for(routed)}
    assert states == {
        "en": (DeliveryState.SKIPPED, "editor"),
        "ar": (DeliveryState.SKIPPED, "pushed to en only"),
        "fr": (DeliveryState.SKIPPED, "pushed to en only"),
    }
    async with db.write() as conn:
        await DeliveryRepository(conn).skip(routed, "retracted", now=LATER)  # every channel
    assert {d.skip_reason for d in await reads.all_for(routed)} == {"retracted"}


async def test_corrections_due_after_the_site_edits(db: Database) -> None:
    async with db.write() as conn:
        article = await add_article(conn, "a", NOW)
        deliveries = DeliveryRepository(conn)
        await deliveries.ensure(article, channel="en", now=NOW)
        await deliveries.claim(article, channel="en", now=NOW)
        await deliveries.mark_posted(
            article,
            channel="en",
            chat_id="-100",
            message_id=1,
            has_photo=False,
            content_hash="h",
            now=LATER,
        )
    assert await DeliveryRepository(db.store).corrections_due() == []
    async with db.write() as conn:  # the site's edit, a minute after the post
        await conn.execute(
            "UPDATE articles SET title = $1, updated_at = $2 WHERE id = $3",
            "Story a, corrected",
            "2026-12-01T09:11:00.000Z",
            article,
        )
    [(delivery, edited)] = await DeliveryRepository(db.store).corrections_due()
    assert delivery.channel == "en" and edited.title == "Story a, corrected"


@pytest.fixture
def pg(pg_database: str) -> TestStore:
    """A PostgreSQL store only: SQLite serialises write transactions, there is no race."""
    return TestStore("postgres", {"url": pg_database})


async def test_two_transactions_claim_one_delivery_once(pg: TestStore) -> None:
    db = await Database.open(pg.settings())
    try:
        async with db.write() as conn:
            article = await add_article(conn, "a", NOW)
            await DeliveryRepository(conn).ensure(article, channel="en", now=NOW)

        async def claim() -> bool:
            async with db.write() as conn:
                return await DeliveryRepository(conn).claim(article, channel="en", now=NOW)

        async with db.write() as conn:
            assert await DeliveryRepository(conn).claim(article, channel="en", now=NOW)
            second = asyncio.create_task(claim())  # another transaction, not yet committed
            await until_waiting(db, "the second claim waiting for the first one's row")
        assert await second is False

        reset = "UPDATE deliveries SET state = 'pending' WHERE article_id = $1"
        assert await db.store.execute(reset, article) == 1  # pending again: claimed twice at once
        assert sorted(await asyncio.gather(claim(), claim())) == [False, True]
        claimed = await DeliveryRepository(db.store).get(article, "en")
        assert claimed is not None and claimed.state is DeliveryState.SENDING
        assert claimed.attempts == 2
    finally:
        await db.close()


async def test_two_transactions_set_one_article_aside_once(pg: TestStore) -> None:
    db = await Database.open(pg.settings())
    try:
        async with db.write() as conn:
            article = await add_article(conn, "a", NOW)

        async def skip(reason: str) -> bool:
            async with db.write() as conn:
                return await DeliveryRepository(conn).mark_skipped(article, reason, now=NOW)

        async with db.write() as conn:
            assert await DeliveryRepository(conn).mark_skipped(article, "first", now=NOW)
            # The second one's NOT EXISTS cannot see the uncommitted record: its insert waits
            # on the key, then does nothing (without ON CONFLICT: a unique violation).
            second = asyncio.create_task(skip("second"))
            await until_waiting(db, "the second insert waiting for the first one's key")
        assert await second is False
        skipped = await DeliveryRepository(db.store).get(article)
        assert skipped is not None and skipped.skip_reason == "first"
    finally:
        await db.close()
