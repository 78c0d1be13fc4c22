"""`bot_state` on both engines: a fact is stored, replaced and forgotten, inside transactions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.database import Database
from storage.state import StateRepository
from tests.pgstore import TestStore

NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


async def test_put_replace_delete(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        state = StateRepository(db.store)
        assert await state.get("admin.publishing_paused") is None
        async with db.write() as conn:
            await StateRepository(conn).put("admin.publishing_paused", "lunch", now=NOW)
        assert await state.get("admin.publishing_paused") == "lunch"
        async with db.write() as conn:
            await StateRepository(conn).put(
                "admin.publishing_paused", "a long lunch", now=NOW + timedelta(minutes=5)
            )
        assert await state.get("admin.publishing_paused") == "a long lunch"
        updated = await db.store.fetchval(
            "SELECT updated_at FROM bot_state WHERE key = $1", "admin.publishing_paused"
        )
        assert updated == "2026-12-01T05:05:00.000Z"
        async with db.write() as conn:
            await StateRepository(conn).delete("admin.publishing_paused")
            await StateRepository(conn).delete("never.stored")  # forgetting nothing is fine
        assert await state.get("admin.publishing_paused") is None
    finally:
        await db.close()


async def test_a_failed_transaction_keeps_the_old_value(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:
            await StateRepository(conn).put("channel.chat", "-1001", now=NOW)
        with pytest.raises(RuntimeError):
            async with db.write() as conn:
                await StateRepository(conn).put("channel.chat", "-1002", now=NOW)
                raise RuntimeError("the send failed")
        assert await StateRepository(db.store).get("channel.chat") == "-1001"
    finally:
        await db.close()
