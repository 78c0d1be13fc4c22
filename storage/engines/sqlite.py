"""The SQLite engine: one aiosqlite connection per process, writes serialised in the process.

Writes go through `transaction()`, which serialises them with an asyncio lock: on a shared
connection two interleaved coroutines would otherwise end up inside each other's transaction.
`BEGIN IMMEDIATE` takes the write lock up front so a second process waits (`busy_timeout`)
instead of failing half-way through.

`SqliteConn` is the `StoreConn` over that connection: statements keep PostgreSQL's `$1, $2, …`
and are bound by name (`{"1": a, "2": b}`), which is how SQLite reads `$1` (measured: no cost
beside `?` and a tuple; a sequence for `$n` is deprecated in Python 3.12).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.domain.errors import StorageError, StoreNotWritableError
from storage.migrate import migrate
from storage.sql import Engine, Fence, Query, Row, text_for

BUSY_TIMEOUT_MS = 5_000
# SQLite's primary result codes (the low byte of an extended code) that mean "cannot write here".
_SQLITE_PERM, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 3, 8, 10, 13, 14
_NOT_WRITABLE = {_SQLITE_PERM, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CANTOPEN}


def _named(args: Sequence[object]) -> dict[str, object]:
    """`$1, $2, …` as SQLite binds them: by the name after the dollar."""
    return {str(number): value for number, value in enumerate(args, 1)}


class SqliteConn:
    """A `StoreConn` over one aiosqlite connection."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.raw = conn

    @property
    def engine(self) -> Engine:
        """Always "sqlite"."""
        return "sqlite"

    async def fetch(self, sql: Query, *args: object) -> list[Row]:
        """Every row the statement returns."""
        return list(await self.raw.execute_fetchall(text_for(sql, "sqlite"), _named(args)))

    async def fetchrow(self, sql: Query, *args: object) -> Row | None:
        """The first row, or None."""
        async with self.raw.execute(text_for(sql, "sqlite"), _named(args)) as cursor:
            row: Row | None = await cursor.fetchone()
        return row

    async def fetchval(self, sql: Query, *args: object) -> Any:
        """The first column of the first row, or None."""
        row = await self.fetchrow(sql, *args)
        return None if row is None else row[0]

    async def execute(self, sql: Query, *args: object) -> int:
        """Run one statement; return how many rows it changed (0 for other statements)."""
        async with self.raw.execute(text_for(sql, "sqlite"), _named(args)) as cursor:
            return max(cursor.rowcount, 0)

    async def executemany(self, sql: Query, rows: Iterable[Sequence[object]]) -> None:
        """Run one statement once per argument tuple."""
        await self.raw.executemany(text_for(sql, "sqlite"), (_named(row) for row in rows))

    async def iterate(self, sql: Query, *args: object) -> AsyncGenerator[Row]:
        """The rows one by one from the cursor (close the iterator if you stop early)."""
        async with self.raw.execute(text_for(sql, "sqlite"), _named(args)) as cursor:
            async for row in cursor:
                yield row


def _writable(path: Path) -> bool:
    """Whether this process may write the store file (if it exists) and its folder.

    `os.access` reports a read-only file system even to root, whom file modes do not stop.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not os.access(path, os.W_OK):
        return False
    return os.access(folder, os.W_OK)


def _disk_full(path: Path) -> bool:
    """Whether the file system holding the store has no space left (SQLite may say "I/O error")."""
    try:
        return os.statvfs(path.parent if str(path.parent) else ".").f_bavail == 0
    except OSError:
        return False


def not_writable(exc: sqlite3.Error, path: Path) -> StoreNotWritableError | None:
    """The disk-full or read-only error `exc` stands for, or None if it is neither."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code == _SQLITE_FULL or (code in _NOT_WRITABLE and _disk_full(path)):
        return StoreNotWritableError(
            f"the disk holding the store {path} is full: free some space (or move "
            "storage.path to a disk with room), then start again; the store was not changed"
        )
    if code == _SQLITE_READONLY or (code in _NOT_WRITABLE and not _writable(path)):
        return StoreNotWritableError(
            f"the store {path} is read-only (the file or its folder cannot be written, e.g. a "
            "read-only disk or wrong permissions): make both writable for this user, or point "
            "storage.path at a writable place"
        )
    return None


class SqliteStore:
    """The process's one connection to a SQLite file, and its write transactions."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.raw = conn
        self.path = path
        self.store = SqliteConn(conn)
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path, *, run_migrations: bool = True) -> SqliteStore:
        """Connect, set the pragmas every connection needs, and migrate to the newest schema."""
        if str(path) != ":memory:":
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                message = (
                    f"cannot create the folder for the store {path}: {exc.strerror}; "
                    "create it, or point storage.path at a writable place"
                )
                raise StorageError(message) from None
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise not_writable(exc, path) or StorageError(
                f"cannot open the database {path}: {exc}"
            ) from None
        try:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            if run_migrations:
                await migrate(conn)
        except sqlite3.DatabaseError as exc:
            await conn.close()
            raise not_writable(exc, path) or StorageError(
                f"{path} is not a usable newsdesk database: {exc}"
            ) from None
        except BaseException:
            await conn.close()
            raise
        return cls(conn, path)

    @asynccontextmanager
    async def transaction(self, fence: Fence | None) -> AsyncIterator[aiosqlite.Connection]:
        """A short `BEGIN IMMEDIATE` transaction, committed on success, rolled back on error.

        A full disk or a read-only store becomes `StoreNotWritableError`; the fence, if set, may
        refuse the transaction before anything is written.
        """
        async with self._write_lock:
            try:
                await self.raw.execute("BEGIN IMMEDIATE")
                try:
                    if fence is not None:
                        await fence(self.store)
                    yield self.raw
                except BaseException:
                    await self.raw.rollback()
                    raise
                else:
                    await self.raw.commit()
            except sqlite3.OperationalError as exc:
                error = not_writable(exc, self.path)
                if error is None:
                    raise
                if self.raw.in_transaction:
                    await self.raw.rollback()
                raise error from exc

    async def close(self) -> None:
        """Close the connection (idempotent)."""
        await self.raw.close()
