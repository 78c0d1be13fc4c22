"""Opening the SQLite store and running short write transactions on it.

One aiosqlite connection serves the whole process. Writes go through `transaction()`, which
serialises them with an asyncio lock: on a shared connection two interleaved coroutines would
otherwise end up inside each other's transaction. `BEGIN IMMEDIATE` takes the write lock up front
so a second process waits (`busy_timeout`) instead of failing half-way through.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.domain.errors import StorageError, StoreNotWritableError
from storage.migrate import migrate

BUSY_TIMEOUT_MS = 5_000
# SQLite's primary result codes (the low byte of an extended code) that mean "cannot write here".
_SQLITE_PERM, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 3, 8, 10, 13, 14
_NOT_WRITABLE = {_SQLITE_PERM, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CANTOPEN}

Fence = Callable[[aiosqlite.Connection], Awaitable[None]]


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


class Database:
    """The process's connection to the store."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        # Checked at the start of every write transaction, inside it: the bot's instance lease
        # sets one so that a process that lost the lease cannot write (or claim a post) again.
        self.fence: Fence | None = None

    @classmethod
    async def open(cls, path: Path, *, run_migrations: bool = True) -> Database:
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

    @property
    def conn(self) -> aiosqlite.Connection:
        """The connection, for reads; writes belong inside `transaction()`."""
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A short `BEGIN IMMEDIATE` transaction, committed on success, rolled back on error.

        A full disk or a read-only store becomes `StoreNotWritableError`; the fence, if set, may
        refuse the transaction before anything is written.
        """
        async with self._write_lock:
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
                try:
                    if self.fence is not None:
                        await self.fence(self._conn)
                    yield self._conn
                except BaseException:
                    await self._conn.rollback()
                    raise
                else:
                    await self._conn.commit()
            except sqlite3.OperationalError as exc:
                error = not_writable(exc, self.path)
                if error is None:
                    raise
                if self._conn.in_transaction:
                    await self._conn.rollback()
                raise error from exc

    async def close(self) -> None:
        """Close the connection (idempotent)."""
        await self._conn.close()
