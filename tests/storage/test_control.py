"""The figures behind /status on both engines, from deliveries written as the publisher does."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.deliveries import ChannelQueue
from storage.control import ControlRepository
from storage.database import Database
from storage.sql import StoreConn
from tests.pgstore import TestStore

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

_ARTICLE = "INSERT INTO articles (guid, title, published_at) VALUES ($1, $2, $3) RETURNING id"
_DELIVERY = (
    "INSERT INTO deliveries (article_id, channel, state, posted_at, next_attempt_at, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6)"
)


async def deliver(
    conn: StoreConn,
    guid: str,
    published: str,
    *channels: tuple[str, str, str | None, str | None],
) -> None:
    """One article and its deliveries: (channel, state, posted_at, next_attempt_at) each."""
    article_id = await conn.fetchval(_ARTICLE, guid, guid.title(), published)
    for channel, state, posted, next_attempt in channels:
        await conn.execute(
            _DELIVERY, article_id, channel, state, posted, next_attempt, "2026-12-01T11:00:00.000Z"
        )


async def test_status_figures(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:
            await deliver(
                conn,
                "old-news",
                "2026-12-01T08:00:00.000Z",
                ("en", "posted", "2026-12-01T08:01:00.000Z", None),
                ("ar", "posted", "2026-11-30T23:00:00.000Z", None),
            )
            await deliver(
                conn,
                "waiting",
                "2026-12-01T10:00:00.000Z",
                ("en", "pending", None, None),
                ("ar", "pending", None, "2026-12-01T13:00:00.000Z"),  # backing off: not due
            )
            await deliver(conn, "later", "2026-12-01T11:00:00.000Z", ("en", "pending", None, None))
        control = ControlRepository(db.store)
        assert await control.posted_since(datetime(2026, 12, 1, tzinfo=UTC)) == 1
        assert await control.oldest_due(NOW) == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
        assert await control.channel_queues(NOW) == {
            "en": ChannelQueue(
                "en",
                2,
                datetime(2026, 12, 1, 8, 1, tzinfo=UTC),
                datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
            ),
            "ar": ChannelQueue("ar", 1, datetime(2026, 11, 30, 23, 0, tzinfo=UTC), None),
        }
    finally:
        await db.close()


async def test_an_empty_store(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        control = ControlRepository(db.store)
        assert await control.posted_since(NOW) == 0
        assert await control.oldest_due(NOW) is None
        assert await control.channel_queues(NOW) == {}
    finally:
        await db.close()
