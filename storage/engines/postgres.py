"""The PostgreSQL engine: an asyncpg pool shared by the process, no write lock of our own.

Several processes (and the site) write one database, so correctness comes from the statements
(conditional `UPDATE … RETURNING`, `FOR UPDATE SKIP LOCKED`, advisory locks), not from a lock
in Python. Reads outside a transaction take a pooled connection per call; `transaction()` holds
one connection for a `BEGIN … COMMIT` (READ COMMITTED, the server's default).

The pool's reset is light: asyncpg already rolls back a connection left in a transaction before
calling it, and newsdesk never LISTENs, SETs or takes session advisory locks on a pooled
connection, so the default reset query (one more round trip per acquire: 313–360 µs against
206 µs per pooled fetch, measured) has nothing to undo.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.domain.errors import StoreUnavailableError
from storage.migrate_pg import migrate_pg
from storage.sql import Engine, Fence, Query, Row, text_for

# Rows a streamed read fetches per round trip.
PREFETCH = 500
# Set on newsdesk's own sessions (the database's other clients keep theirs). The server's
# default, 4, prices a heap page fetched out of order as four read in order: a disk's ratio.
# Newsdesk's working set is in memory (or on SSD), where both cost about the same, and the
# default made the planner walk 12,000–25,000 articles backwards by id to find the 500 newest
# matches of an any-word /search instead of fetching its ~2,000 matches from the GIN index
# (26 ms against 5 ms); 1.1 is the usual value for SSDs. /latest, /favorites, /popular and /top
# measured the same either way (bench/queries.py --store; docs/facts.md, "PostgreSQL").
SERVER_SETTINGS = {"random_page_cost": "1.1"}
# How long opening a connection may take before the server counts as unreachable.
CONNECT_TIMEOUT_SECONDS = 10.0

_Connection = asyncpg.Connection | PoolConnectionProxy


def changed(status: str) -> int:
    """Rows changed, from asyncpg's status ("UPDATE 3", "INSERT 0 1"; "CREATE TABLE" is 0)."""
    last = status.rpartition(" ")[2]
    return int(last) if last.isdigit() else 0


class PgConn:
    """A `StoreConn` over one connection, inside the transaction that holds it."""

    def __init__(self, conn: _Connection) -> None:
        self.raw = conn

    @property
    def engine(self) -> Engine:
        """Always "postgres"."""
        return "postgres"

    async def fetch(self, sql: Query, *args: object) -> list[Row]:
        """Every row the statement returns."""
        return list(await self.raw.fetch(text_for(sql, "postgres"), *args))

    async def fetchrow(self, sql: Query, *args: object) -> Row | None:
        """The first row, or None."""
        row: Row | None = await self.raw.fetchrow(text_for(sql, "postgres"), *args)
        return row

    async def fetchval(self, sql: Query, *args: object) -> Any:
        """The first column of the first row, or None."""
        return await self.raw.fetchval(text_for(sql, "postgres"), *args)

    async def execute(self, sql: Query, *args: object) -> int:
        """Run one statement; return how many rows it changed."""
        return changed(await self.raw.execute(text_for(sql, "postgres"), *args))

    async def executemany(self, sql: Query, rows: Iterable[Sequence[object]]) -> None:
        """Run one statement once per argument tuple."""
        await self.raw.executemany(text_for(sql, "postgres"), rows)

    async def iterate(self, sql: Query, *args: object) -> AsyncIterator[Row]:
        """The rows through a server-side cursor (this connection is already in a transaction)."""
        async for row in self.raw.cursor(text_for(sql, "postgres"), *args, prefetch=PREFETCH):
            yield row


class PgPoolConn:
    """A `StoreConn` for reads outside a transaction: each call takes a pooled connection."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @property
    def engine(self) -> Engine:
        """Always "postgres"."""
        return "postgres"

    async def fetch(self, sql: Query, *args: object) -> list[Row]:
        """Every row the statement returns."""
        return list(await self._pool.fetch(text_for(sql, "postgres"), *args))

    async def fetchrow(self, sql: Query, *args: object) -> Row | None:
        """The first row, or None."""
        row: Row | None = await self._pool.fetchrow(text_for(sql, "postgres"), *args)
        return row

    async def fetchval(self, sql: Query, *args: object) -> Any:
        """The first column of the first row, or None."""
        return await self._pool.fetchval(text_for(sql, "postgres"), *args)

    async def execute(self, sql: Query, *args: object) -> int:
        """Run one statement in a transaction of its own; return how many rows it changed."""
        return changed(await self._pool.execute(text_for(sql, "postgres"), *args))

    async def executemany(self, sql: Query, rows: Iterable[Sequence[object]]) -> None:
        """Run one statement once per argument tuple (asyncpg makes it one transaction)."""
        await self._pool.executemany(text_for(sql, "postgres"), rows)

    async def iterate(self, sql: Query, *args: object) -> AsyncIterator[Row]:
        """The rows through a cursor, which asyncpg keeps only inside a (read-only) transaction.

        The connection stays taken until the iterator ends or is closed.
        """
        async with self._pool.acquire() as conn, conn.transaction(readonly=True):
            async for row in conn.cursor(text_for(sql, "postgres"), *args, prefetch=PREFETCH):
                yield row


async def _keep_session(_conn: asyncpg.Connection) -> None:
    """The pool's reset: nothing beyond asyncpg's own rollback of an open transaction."""


def _reason(exc: BaseException) -> str:
    """Why connecting failed, in the server's or the system's words."""
    if isinstance(exc, TimeoutError):
        return f"no answer within {CONNECT_TIMEOUT_SECONDS:g} s"
    if isinstance(exc, OSError) and exc.errno:  # asyncio's text ("Connect call failed …") is vague
        return os.strerror(exc.errno).lower()
    return str(exc) or type(exc).__name__


def unavailable(where: str, exc: BaseException) -> StoreUnavailableError:
    """The one line an operator reads when the server cannot be used at start."""
    return StoreUnavailableError(
        f"cannot use the PostgreSQL store at {where}: {_reason(exc)} — check storage.url (and "
        "$NEWSDESK_DATABASE_PASSWORD), and that the server runs and accepts this user"
    )


# What connecting can raise: refused or unroutable (OSError), no answer (TimeoutError), a server
# that answers "no" (a PostgresError: bad password, no such database), or a broken protocol.
_CONNECT_ERRORS = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)


class PgStore:
    """The process's pool of connections to one PostgreSQL database."""

    def __init__(self, pool: asyncpg.Pool, where: str) -> None:
        self.pool = pool
        self.where = where
        self.store = PgPoolConn(pool)

    @classmethod
    async def open(
        cls, dsn: str, *, where: str, pool_size: int, run_migrations: bool = True
    ) -> PgStore:
        """Migrate on a connection of its own, then open the pool.

        `dsn` holds the password; `where` is the same URL without it, for messages.
        """
        try:
            if run_migrations:
                conn = await asyncpg.connect(dsn, timeout=CONNECT_TIMEOUT_SECONDS)
                try:
                    await migrate_pg(conn)
                finally:
                    await conn.close()
            pool = await asyncpg.create_pool(
                dsn,
                min_size=1,
                max_size=pool_size,
                timeout=CONNECT_TIMEOUT_SECONDS,
                reset=_keep_session,
                server_settings=SERVER_SETTINGS,
            )
        except _CONNECT_ERRORS as exc:
            raise unavailable(where, exc) from None
        return cls(pool, where)

    @asynccontextmanager
    async def transaction(self, fence: Fence | None) -> AsyncIterator[PgConn]:
        """`BEGIN … COMMIT` on one pooled connection; rolled back on error; fenced first."""
        async with self.pool.acquire() as conn, conn.transaction():
            store = PgConn(conn)
            if fence is not None:
                await fence(store)
            yield store

    async def close(self) -> None:
        """Close the pool, waiting briefly for connections in use (idempotent)."""
        if not self.pool.is_closing():
            try:
                await asyncio.wait_for(self.pool.close(), timeout=CONNECT_TIMEOUT_SECONDS)
            except TimeoutError:
                self.pool.terminate()
