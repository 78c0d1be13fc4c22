"""UserRepository on both engines: sightings in batches, settings, and what a row keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import Sighting
from storage.database import Database
from storage.users import UserRepository
from tests.pgstore import TestStore

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)


async def test_sightings_keep_the_latest_time_the_first_start_and_a_known_language(
    store: TestStore,
) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:
            await UserRepository(conn).record_seen(
                [
                    Sighting(2, "ar", LATER, reachable=False),  # a group: not a start
                    Sighting(1, "en", NOW, reachable=True),
                ]
            )
        async with db.write() as conn:
            await UserRepository(conn).record_seen(
                [
                    Sighting(1, None, NOW - timedelta(hours=1), reachable=False),  # a late batch
                    Sighting(2, None, LATER + timedelta(minutes=1), reachable=True),
                ]
            )
        users = UserRepository(db.store)
        one, two = await users.get(1), await users.get(2)
        assert one is not None and two is not None
        assert (one.language_code, one.first_seen, one.last_seen) == ("en", NOW, NOW)
        assert (two.language_code, two.last_seen) == ("ar", LATER + timedelta(minutes=1))
        started = await db.store.fetch("SELECT id, started_at FROM users ORDER BY id")
        assert [tuple(row) for row in started] == [
            (1, "2026-11-27T12:00:00.000Z"),
            (2, "2026-11-27T12:06:00.000Z"),
        ]
        assert await users.get(3) is None
    finally:
        await db.close()


async def test_a_private_sighting_makes_a_blocked_reader_active_again(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:
            await UserRepository(conn).record_seen([Sighting(5, "en", NOW, reachable=True)])
            await conn.execute("UPDATE users SET active = 0 WHERE id = $1", 5)  # an alert: 403
            await UserRepository(conn).record_seen([Sighting(5, "en", LATER, reachable=False)])
        record = await UserRepository(db.store).get(5)
        assert record is not None and not record.active  # a group message reaches nobody
        async with db.write() as conn:
            await UserRepository(conn).record_seen([Sighting(5, "en", LATER, reachable=True)])
        record = await UserRepository(db.store).get(5)
        assert record is not None and record.active
    finally:
        await db.close()


async def test_settings_create_the_reader_and_change_only_their_column(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:
            users = UserRepository(conn)
            await users.set_language(7, "ar", now=NOW)
            await users.set_alerts(7, True, now=LATER)
            await users.set_alerts(8, True, now=NOW)
            await users.set_alerts(8, False, now=LATER)
            await users.set_language(9, "en", now=NOW)
            await users.set_language(9, None, now=NOW - timedelta(days=1))  # follow Telegram
        users = UserRepository(db.store)
        seven, eight = await users.get(7), await users.get(8)
        assert seven is not None and eight is not None
        assert (seven.language, seven.alerts_opt_in, seven.first_seen) == ("ar", True, NOW)
        assert seven.last_seen == LATER
        assert (eight.alerts_opt_in, eight.active) == (False, True)
        assert await users.language_overrides() == {7: "ar"}
        nine = await users.get(9)
        assert nine is not None and nine.last_seen == NOW  # an older time never goes back
    finally:
        await db.close()
