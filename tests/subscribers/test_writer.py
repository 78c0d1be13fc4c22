"""Batched ⭐ writes: right under concurrency, durable before the answer; sightings kept."""

from __future__ import annotations

import asyncio
import sqlite3

from bot.subscribers import FavoriteOutcome, SubscriberServices, open_subscriber_services
from storage.database import Database

from .conftest import NOW, add_article


async def committed_favorites(db: Database) -> set[tuple[int, int]]:
    """What another connection sees: only committed rows."""
    if db.engine == "postgres":  # the pool's reads run on connections of their own
        rows = await db.store.fetch("SELECT user_id, article_id FROM favorites")
        return {(int(u), int(a)) for u, a in rows}
    with sqlite3.connect(db.where) as other:
        return {
            (int(u), int(a)) for u, a in other.execute("SELECT user_id, article_id FROM favorites")
        }


async def test_concurrent_presses_are_batched_and_durable(
    db: Database, subscribers: SubscriberServices
) -> None:
    articles = [await add_article(db, f"Story {n}") for n in range(5)]
    presses = [(user, article) for user in range(1, 201) for article in articles[:2]]
    outcomes = await asyncio.gather(*(subscribers.favorites.toggle(u, a) for u, a in presses))
    assert set(outcomes) == {FavoriteOutcome.SAVED}
    # Every "Saved" answer was given after its commit: another connection already sees them all.
    assert await committed_favorites(db) == set(presses)


async def test_same_pair_twice_in_one_burst_saves_then_removes(
    db: Database, subscribers: SubscriberServices
) -> None:
    article = await add_article(db, "Twice")
    first, second, third = await asyncio.gather(
        *(subscribers.favorites.toggle(7, article) for _ in range(3))
    )
    assert (first, second, third) == (
        FavoriteOutcome.SAVED,
        FavoriteOutcome.REMOVED,
        FavoriteOutcome.SAVED,
    )
    assert await subscribers.favorites.saved_ids(7) == [article]


async def test_unknown_article_writes_nothing(
    db: Database, subscribers: SubscriberServices
) -> None:
    assert await subscribers.favorites.toggle(8, 424242) is FavoriteOutcome.UNAVAILABLE
    assert await subscribers.favorites.save(8, 424242) is FavoriteOutcome.UNAVAILABLE
    assert await committed_favorites(db) == set()


async def test_sightings_are_written_by_close(
    db: Database, subscribers: SubscriberServices
) -> None:
    subscribers.users.seen(9, "ar", private=False)
    subscribers.users.seen(9, None, private=True)
    await subscribers.close()
    record = await subscribers.users.get(9)
    assert record is not None
    assert record.language_code == "ar" and record.active


async def test_language_choice_survives_a_restart(
    db: Database, subscribers: SubscriberServices
) -> None:
    assert await subscribers.users.set_language(10, "ar") == "ar"
    reopened = await open_subscriber_services(db, subscribers.settings, lambda: NOW)
    try:
        assert reopened.users.language_for(10, "en") == "ar"
        assert reopened.users.language_for(11, "ar-EG") == "ar"
        assert reopened.users.language_for(12, "fr") == "en"
    finally:
        await reopened.close()
