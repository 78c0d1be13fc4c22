"""The seam itself, on both engines: open and close, transactions, the fence, streamed reads.

Every test takes `store` and runs once on a SQLite file and once on a PostgreSQL database of its
own; what they assert is what the store holds afterwards, read back through a fresh connection.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing, asynccontextmanager

import pytest

from bot.config import Settings
from bot.domain.errors import LeaseLostError, StoreUnavailableError
from bot.storage_settings import StorageSettings
from storage.database import Database, newsroom_writes
from storage.sql import Sql, StoreConn
from tests.pgstore import TestStore

_PUT = "INSERT INTO bot_state (key, value, updated_at) VALUES ($1, $2, $3)"
_ALL = "SELECT key, value FROM bot_state ORDER BY key"
WHEN = "2026-12-01T05:00:00.000Z"


@asynccontextmanager
async def opened(store: TestStore) -> AsyncIterator[Database]:
    db = await Database.open(store.settings())
    try:
        yield db
    finally:
        await db.close()


async def stored(store: TestStore) -> list[tuple[str, str]]:
    """What bot_state holds, read through a connection of its own."""
    async with opened(store) as db:
        return [(str(key), str(value)) for key, value in await db.store.fetch(_ALL)]


async def test_open_migrates_and_close_is_idempotent(store: TestStore) -> None:
    db = await Database.open(store.settings())
    assert db.engine == store.engine
    assert db.store.engine == store.engine
    assert await db.store.fetch(_ALL) == []  # the schema is there, empty
    await db.close()
    await db.close()
    async with opened(store) as again:  # and opening a migrated store again is a no-op
        assert await again.store.fetchval("SELECT count(*) FROM bot_state") == 0


async def test_a_transaction_commits_on_success(store: TestStore) -> None:
    async with opened(store) as db, db.write() as conn:
        assert conn.engine == store.engine
        await conn.execute(_PUT, "a", "1", WHEN)
        await conn.executemany(_PUT, [("b", "2", WHEN), ("c", "3", WHEN)])
        assert await conn.fetchval("SELECT value FROM bot_state WHERE key = $1", "b") == "2"
    assert await stored(store) == [("a", "1"), ("b", "2"), ("c", "3")]


async def test_a_transaction_rolls_back_on_error(store: TestStore) -> None:
    async with opened(store) as db:
        async with db.write() as conn:
            await conn.execute(_PUT, "kept", "1", WHEN)
        with pytest.raises(RuntimeError, match="half-way"):
            async with db.write() as conn:
                await conn.execute(_PUT, "lost", "2", WHEN)
                await conn.execute("DELETE FROM bot_state WHERE key = $1", "kept")
                raise RuntimeError("half-way")
    assert await stored(store) == [("kept", "1")]


async def test_execute_returns_rows_changed(store: TestStore) -> None:
    async with opened(store) as db, db.write() as conn:
        await conn.executemany(_PUT, [(f"k{i}", "old", WHEN) for i in range(5)])
        assert (
            await conn.execute("UPDATE bot_state SET value = $1 WHERE key < $2", "new", "k3") == 3
        )
        assert await conn.execute("DELETE FROM bot_state WHERE key = $1", "nothing") == 0
        assert await conn.fetchrow("SELECT * FROM bot_state WHERE key = $1", "nothing") is None
        assert await conn.fetchval("SELECT value FROM bot_state WHERE key = $1", "none") is None


async def test_the_fence_refuses_before_anything_is_written(store: TestStore) -> None:
    seen: list[str] = []

    async def fence(conn: StoreConn) -> None:
        seen.append(conn.engine)
        # The fence runs inside the transaction, on its connection: it may read the store.
        await conn.fetchval("SELECT count(*) FROM bot_state")
        raise LeaseLostError("another process took the lease over")

    async with opened(store) as db:
        db.fence = fence
        with pytest.raises(LeaseLostError, match="took the lease over"), newsroom_writes():
            async with db.write() as conn:
                await conn.execute(_PUT, "written", "1", WHEN)
        # A reader's or an editor's write is not the newsroom's: the fence lets it through.
        async with db.write() as conn:
            await conn.execute(_PUT, "unfenced", "1", WHEN)
        db.fence = None
        with newsroom_writes():
            async with db.write() as conn:
                await conn.execute(_PUT, "after", "1", WHEN)
    assert seen == [store.engine]
    assert await stored(store) == [("after", "1"), ("unfenced", "1")]


async def test_iterate_streams_every_row_and_stops_early(store: TestStore) -> None:
    rows = [(f"k{i:04}", str(i), WHEN) for i in range(1_200)]  # more than one PG prefetch
    async with opened(store) as db:
        async with db.write() as conn:
            await conn.executemany(_PUT, rows)
        keys = [str(row[0]) async for row in db.store.iterate(_ALL)]
        assert keys == [key for key, _, _ in rows]
        async with aclosing(db.store.iterate(_ALL)) as stream:  # stopping early frees it
            async for row in stream:
                assert row[0] == "k0000"
                break
        async with db.write() as conn:  # inside a transaction too
            total = 0
            async for row in conn.iterate("SELECT value FROM bot_state WHERE key >= $1", "k1000"):
                total += int(row[0])
        assert total == sum(range(1_000, 1_200))
        assert await db.store.fetchval("SELECT count(*) FROM bot_state") == 1_200


async def test_each_engine_runs_its_own_spelling(store: TestStore) -> None:
    which = Sql(sqlite="SELECT 'sqlite', $1", postgres="SELECT 'postgres', $1::text")
    async with opened(store) as db:
        row = await db.store.fetchrow(which, "x")
    assert row is not None and tuple(row) == (store.engine, "x")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_unreachable_postgresql_is_one_clear_error() -> None:
    port = closed_port()
    url = f"postgresql://newsdesk:hunter2-secret@127.0.0.1:{port}/newsdesk"
    settings = StorageSettings.model_validate({"url": url})
    with pytest.raises(StoreUnavailableError) as caught:
        await Database.open(settings)
    message = str(caught.value)
    assert message.startswith(
        f"cannot use the PostgreSQL store at postgresql://newsdesk:***@127.0.0.1:{port}/newsdesk"
    )
    assert "check storage.url" in message
    assert "hunter2" not in message
    assert "\n" not in message


async def test_a_whole_configuration_points_at_the_test_store(
    store: TestStore, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(storage=store.table)  # how bot-level tests take the store
    db = await Database.open(settings.storage)
    try:
        assert db.engine == store.engine
        assert db.where == store.settings().where
    finally:
        await db.close()
