"""AuditRepository and HeldCommandRepository on both engines: the trail, and held commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import AuditEntry, HeldCommand
from storage.audit import AuditRepository, HeldCommandRepository
from storage.database import Database
from storage.sql import StoreConn
from tests.pgstore import TestStore
from tests.storage.concurrent import open_pg, race

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
EDITOR, OTHER = 5_000_000_001, 42  # Telegram ids outgrow 32 bits


async def test_the_trail_is_newest_first_and_short(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:
            audit = AuditRepository(conn)
            await audit.record(
                at=NOW, actor_id=EDITOR, actor="Rana", action="/pause", target="", result="ok"
            )
            await audit.record(
                at=NOW + timedelta(minutes=1),
                actor_id=OTHER,
                actor="x" * 800,
                action="/post",
                target="https://news.example/" + "a" * 900,
                result="refused",
            )
        latest = await AuditRepository(db.store).latest(5)
        assert [entry.action for entry in latest] == ["/post", "/pause"]
        assert len(latest[0].actor) == len(latest[0].target) == 500
        assert latest[1] == AuditEntry(latest[1].id, NOW, EDITOR, "Rana", "/pause", "", "ok")
        assert await AuditRepository(db.store).latest(1) == latest[:1]
    finally:
        await db.close()


async def test_a_held_command_is_taken_once_by_its_editor(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:
            held_id = await HeldCommandRepository(conn).hold(
                actor_id=EDITOR,
                command="/breaking",
                args="Quake",
                photo_file_id=None,
                sent_at=NOW - timedelta(minutes=9),
                now=NOW,
            )
            other = await HeldCommandRepository(conn).hold(
                actor_id=EDITOR,
                command="/pause",
                args="",
                photo_file_id="ph",
                sent_at=NOW,
                now=NOW,
            )
        assert other == held_id + 1
        async with db.write() as conn:
            held = HeldCommandRepository(conn)
            assert await held.take(held_id, actor_id=OTHER, state="run") is None  # not theirs
            taken = await held.take(held_id, actor_id=EDITOR, state="run")
            assert await held.take(held_id, actor_id=EDITOR, state="dropped") is None  # decided
            assert await held.take(other + 1, actor_id=EDITOR, state="run") is None  # no such
        assert taken == HeldCommand(
            held_id, EDITOR, "/breaking", "Quake", None, NOW - timedelta(minutes=9), NOW, "run"
        )
    finally:
        await db.close()


async def test_two_presses_at_once_take_a_held_command_once(pg_database: str) -> None:
    # PostgreSQL only (SQLite has one writer at a time): the second press waits on the first
    # one's row, then finds the command decided.
    db = await open_pg(pg_database)
    try:
        async with db.write() as conn:
            held_id = await HeldCommandRepository(conn).hold(
                actor_id=EDITOR,
                command="/pause",
                args="",
                photo_file_id=None,
                sent_at=NOW,
                now=NOW,
            )

        async def press(state: str, conn: StoreConn) -> HeldCommand | None:
            return await HeldCommandRepository(conn).take(held_id, actor_id=EDITOR, state=state)

        run, drop = await race(
            db, lambda conn: press("run", conn), lambda conn: press("dropped", conn)
        )
        assert run is not None and run.state == "run"
        assert drop is None
    finally:
        await db.close()
