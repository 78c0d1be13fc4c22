"""HealthQueries on both engines: the ping, the schema version, what /metrics counts."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain import Outcome
from storage.alerts import AlertRepository
from storage.database import Database
from storage.deliveries import DeliveryRepository
from storage.health_queries import HealthQueries
from storage.migrate import available_migrations
from storage.users import UserRepository
from tests.pgstore import TestStore
from tests.storage.posted import post

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


async def test_a_fresh_store_answers_at_the_newest_schema(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        queries = HealthQueries(db.store)
        await queries.ping()
        newest = available_migrations(store.engine)[-1].version
        assert queries.newest_schema() == newest
        assert await queries.schema_version() == newest
        assert await queries.deliveries_by_state() == {}
        assert await queries.alert_messages_by_state() == {}
    finally:
        await db.close()


async def test_deliveries_per_channel_and_state_and_alert_messages(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        first = await post(db, "https://news.example/1", channel="en", at=NOW, message_id=1)
        await post(db, "https://news.example/2", channel="en", at=NOW, message_id=2)
        await post(db, "https://news.example/3", channel="ar", at=NOW, message_id=3)
        async with db.write() as conn:
            await DeliveryRepository(conn).ensure(first, channel="ar", now=NOW)  # due in "ar"
            for user_id in (1, 2, 3):
                await UserRepository(conn).set_alerts(user_id, True, now=NOW)
            alerts = AlertRepository(conn)
            alert_id = await alerts.create(first, post_url=None, now=NOW)
            await alerts.claim(alert_id, 2, now=NOW)
            await alerts.record(
                alert_id, [Outcome(1, "sent"), Outcome(2, "blocked", "403")], now=NOW
            )
        queries = HealthQueries(db.store)
        assert await queries.deliveries_by_state() == {
            ("en", "posted"): 2,
            ("ar", "posted"): 1,
            ("ar", "pending"): 1,
        }
        assert await queries.alert_messages_by_state() == {
            "sent": 1,
            "blocked": 1,
            "pending": 1,
        }
        assert await AlertRepository(db.store).left_to_send() == 1
    finally:
        await db.close()
