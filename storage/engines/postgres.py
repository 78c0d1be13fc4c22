"""The PostgreSQL engine: an asyncpg pool shared by the process, no write lock of our own.

Several processes (and the site) write one database, so correctness comes from the statements
(conditional `UPDATE … RETURNING`, `FOR UPDATE SKIP LOCKED`, advisory locks), not from a lock
in Python. Reads outside a transaction take a pooled connection per call; `transaction()` holds
one connection for a `BEGIN … COMMIT` (READ COMMITTED, the server's default).

The pool's reset is light: asyncpg already rolls back a connection left in a transaction before
calling it, and newsdesk never LISTENs, SETs or takes session advisory locks on a pooled
connection, so the default reset query (one more round trip per acquire: 313–360 µs against
206 µs per pooled fetch, measured) has nothing to undo.

When the server goes away under a running bot, `pg_faults` says which failures mean that and
retries what wrote nothing; `health` (storage/health.py) turns an outage into one report.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from asyncpg.transaction import Transaction

from bot.domain.errors import StoreUnavailableError, WriteConflictError
from storage.engines.pg_faults import CONNECT_ERRORS, is_connection_failure, lost, retrying
from storage.health import StoreHealth
from storage.migrate_pg import migrate_pg
from storage.sql import Engine, Fence, Query, Row, text_for

logger = logging.getLogger(__name__)
T = TypeVar("T")

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
# What the pool lends (PgConn also wraps a bare connection, for migrations)
_Pooled = PoolConnectionProxy
# What the server raises when it rolled a transaction back so that another could go on.
_ROLLED_BACK = (asyncpg.DeadlockDetectedError, asyncpg.SerializationError)


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

    async def iterate(self, sql: Query, *args: object) -> AsyncGenerator[Row]:
        """The rows through a server-side cursor (this connection is already in a transaction)."""
        async for row in self.raw.cursor(text_for(sql, "postgres"), *args, prefetch=PREFETCH):
            yield row


class PgPoolConn:
    """A `StoreConn` for reads outside a transaction: each call takes a pooled connection.

    A call whose connection fails is retried on a fresh one (`pg_faults.retrying`): a read
    can be repeated. `execute`/`executemany` here run a statement in a transaction of their
    own and are retried the same way, so they must be repeatable; newsdesk's writes go
    through `Database.write()` instead.
    """

    def __init__(self, store: PgStore) -> None:
        self._store = store

    @property
    def engine(self) -> Engine:
        """Always "postgres"."""
        return "postgres"

    async def _run(self, call: Callable[[_Pooled], Awaitable[T]]) -> T:
        store = self._store

        async def attempt() -> T:
            conn = await store.acquire()
            try:
                return await call(conn)
            finally:
                await store.release(conn)

        return await retrying(store.health, attempt)

    async def fetch(self, sql: Query, *args: object) -> list[Row]:
        """Every row the statement returns."""
        text = text_for(sql, "postgres")
        return list(await self._run(lambda conn: conn.fetch(text, *args)))

    async def fetchrow(self, sql: Query, *args: object) -> Row | None:
        """The first row, or None."""
        text = text_for(sql, "postgres")
        row: Row | None = await self._run(lambda conn: conn.fetchrow(text, *args))
        return row

    async def fetchval(self, sql: Query, *args: object) -> Any:
        """The first column of the first row, or None."""
        text = text_for(sql, "postgres")
        return await self._run(lambda conn: conn.fetchval(text, *args))

    async def execute(self, sql: Query, *args: object) -> int:
        """Run one statement in a transaction of its own; return how many rows it changed."""
        text = text_for(sql, "postgres")
        return changed(await self._run(lambda conn: conn.execute(text, *args)))

    async def executemany(self, sql: Query, rows: Iterable[Sequence[object]]) -> None:
        """Run one statement once per argument tuple (asyncpg makes it one transaction)."""
        text, taken = text_for(sql, "postgres"), list(rows)
        await self._run(lambda conn: conn.executemany(text, taken))

    async def iterate(self, sql: Query, *args: object) -> AsyncGenerator[Row]:
        """The rows through a cursor, which asyncpg keeps only inside a (read-only) transaction.

        The connection stays taken until the iterator ends or is closed. Its start is retried
        like any read; a failure after rows were handed out reaches the caller.
        """
        store = self._store
        conn, transaction = await store.begin(None, readonly=True)
        try:
            async for row in conn.cursor(text_for(sql, "postgres"), *args, prefetch=PREFETCH):
                yield row
        except Exception as exc:
            if is_connection_failure(exc):
                raise lost(store.where, exc) from exc
            raise
        finally:
            await _quietly(transaction.rollback())
            await store.release(conn)


async def _quietly(step: Awaitable[None]) -> None:
    """Roll back, when the connection may be gone already (then the server rolled back)."""
    try:
        await step
    except Exception as exc:
        logger.debug("rollback on a failed connection: %r", exc)


def idle_session_limit(seconds: float | None) -> dict[str, str]:
    """The server setting that ends a session idle inside a transaction past `seconds`.

    A worker frozen mid-transaction (SIGSTOP, a paused VM, a host swapping) keeps its session
    open, and with it every lock the transaction took: the lease's advisory lock (the fence
    takes it shared), the lease row, its `workers` row. A follower's takeover waits on those
    locks, so without a limit it waited until the frozen worker woke, however long after the
    lease's time-to-live (tests/bot/test_paused_leader.py). Given the lease's time-to-live,
    a session silent in a transaction that long is judged as its process would be; our
    transactions never wait on anything but the server between statements.
    """
    if seconds is None:
        return {}
    return {"idle_in_transaction_session_timeout": str(max(1, round(seconds * 1000)))}


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


class PgStore:
    """The process's pool of connections to one PostgreSQL database."""

    def __init__(self, pool: asyncpg.Pool, where: str) -> None:
        self.pool = pool
        self.where = where
        self.health = StoreHealth(where)
        self.store = PgPoolConn(self)

    @classmethod
    async def open(
        cls,
        dsn: str,
        *,
        where: str,
        pool_size: int,
        run_migrations: bool = True,
        idle_in_transaction_seconds: float | None = None,
    ) -> PgStore:
        """Migrate on a connection of its own, then open the pool.

        `dsn` holds the password; `where` is the same URL without it, for messages.
        `idle_in_transaction_seconds`: the server ends a pooled session that sits that long
        inside a transaction without a word (its process paused or frozen), and with it the
        locks it holds (see `idle_session_limit`).
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
                server_settings={
                    **SERVER_SETTINGS,
                    **idle_session_limit(idle_in_transaction_seconds),
                },
            )
        except CONNECT_ERRORS as exc:
            raise unavailable(where, exc) from None
        return cls(pool, where)

    async def acquire(self) -> _Pooled:
        """A pooled connection; a failure to open one is `StoreUnavailableError` (retryable)."""
        try:
            conn: _Pooled = await self.pool.acquire()
        except CONNECT_ERRORS as exc:
            raise StoreUnavailableError(_reason(exc)) from exc
        return conn

    async def release(self, conn: _Pooled) -> None:
        """Give a connection back; one that died is dropped by the pool, never an error here."""
        try:
            await self.pool.release(conn)
        except Exception as exc:  # the pool already took a dead connection back
            logger.debug("releasing a pooled connection failed: %r", exc)

    async def begin(
        self, fence: Fence | None, *, readonly: bool = False
    ) -> tuple[_Pooled, Transaction]:
        """A connection inside `BEGIN`, fenced: retried while nothing has been written."""

        async def attempt() -> tuple[_Pooled, Transaction]:
            conn = await self.acquire()
            try:
                transaction = conn.transaction(readonly=readonly)
                await transaction.start()
                if fence is not None:
                    await fence(PgConn(conn))
            except BaseException:
                await self.release(conn)  # the pool rolls back a transaction left open
                raise
            return conn, transaction

        return await retrying(self.health, attempt)

    @asynccontextmanager
    async def transaction(self, fence: Fence | None) -> AsyncIterator[PgConn]:
        """`BEGIN … COMMIT` on one pooled connection; rolled back on error; fenced first.

        A connection lost inside the transaction (or at its commit, whose outcome is then
        unknown) is `StoreUnavailableError`: the caller decides whether to write again. A
        transaction the server rolled back to break a deadlock (or a serialization failure)
        raises `WriteConflictError`: nothing was written and the caller may run it again.
        """
        conn, transaction = await self.begin(fence)
        try:
            try:
                yield PgConn(conn)
            except BaseException:
                await _quietly(transaction.rollback())
                raise
            await transaction.commit()
        except _ROLLED_BACK as exc:
            raise WriteConflictError(
                f"PostgreSQL rolled a write transaction back at {self.where}: "
                f"{exc.__class__.__name__}: {exc}"
            ) from exc
        except Exception as exc:
            if is_connection_failure(exc):
                raise lost(self.where, exc) from exc
            raise
        finally:
            await self.release(conn)

    async def close(self) -> None:
        """Close the pool, waiting briefly for connections in use (idempotent)."""
        if not self.pool.is_closing():
            try:
                await asyncio.wait_for(self.pool.close(), timeout=CONNECT_TIMEOUT_SECONDS)
            except TimeoutError:
                self.pool.terminate()
