"""Opening the SQLite store and running short write transactions on it.

One aiosqlite connection serves the whole process. Writes go through `transaction()`, which
serialises them with an asyncio lock: on a shared connection two interleaved coroutines would
otherwise end up inside each other's transaction. `BEGIN IMMEDIATE` takes the write lock up front
so a second process waits (`busy_timeout`) instead of failing half-way through.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.errors import StorageError
from storage.migrate import migrate

BUSY_TIMEOUT_MS = 5_000


class Database:
    """The process's connection to the store."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path, *, run_migrations: bool = True) -> Database:
        """Connect, set the pragmas every connection needs, and migrate to the newest schema."""
        if str(path) != ":memory:":
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                message = f"cannot create the folder for {path}: {exc.strerror}"
                raise StorageError(message) from None
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open the database {path}: {exc}") from None
        try:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            if run_migrations:
                await migrate(conn)
        except sqlite3.DatabaseError as exc:
            await conn.close()
            raise StorageError(f"{path} is not a usable newsdesk database: {exc}") from None
        except BaseException:
            await conn.close()
            raise
        return cls(conn, path)

    @property
    def conn(self) -> aiosqlite.Connection:
        """The connection, for reads; writes belong inside `transaction()`."""
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A short `BEGIN IMMEDIATE` transaction, committed on success, rolled back on error."""
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.rollback()
                raise
            else:
                await self._conn.commit()

    async def close(self) -> None:
        """Close the connection (idempotent)."""
        await self._conn.close()
