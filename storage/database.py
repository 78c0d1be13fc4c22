"""The store a process uses, SQLite or PostgreSQL, behind one facade the services share.

`Database.open` picks the engine from the storage settings (`storage.url`: absent or
`sqlite:///…` is the SQLite file, `postgresql://…` the server) and migrates it. Reads go through
`db.store`, write transactions through `async with db.write() as conn:`; both hand repositories a
`StoreConn` (storage/sql.py). On SQLite one connection serves the process and `write()` takes
the asyncio lock and `BEGIN IMMEDIATE`; on PostgreSQL a pool serves it and nothing is locked in
Python. `fence`, if set, runs first inside every write transaction of the newsroom's work
(`newsroom_writes()`): readers' and editors' writes are never fenced, so a follower keeps
answering while only the lease holder publishes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from storage.engines.sqlite import SqliteStore
from storage.health import StoreHealth
from storage.sql import Engine, Fence, StoreConn

if TYPE_CHECKING:
    from storage.engines.postgres import PgStore


# Set while the newsroom works (its jobs and the tasks they start inherit it): only those write
# transactions pass the lease's fence. A context variable, so an editor's handler running beside
# a publishing pass in the same process is not fenced.
_NEWSROOM: ContextVar[bool] = ContextVar("newsdesk_newsroom_writes", default=False)


@contextmanager
def newsroom_writes() -> Iterator[None]:
    """The code (and the tasks it starts) inside writes as the newsroom: fenced by the lease."""
    token = _NEWSROOM.set(True)
    try:
        yield
    finally:
        _NEWSROOM.reset(token)


class StoreSettings(Protocol):
    """Where the store is, as `bot.storage_settings.StorageSettings` says (no import of it)."""

    @property
    def path(self) -> Path:
        """The SQLite file, when there is no PostgreSQL URL."""
        ...

    @property
    def pool_size(self) -> int:
        """Most connections the PostgreSQL pool opens."""
        ...

    @property
    def where(self) -> str:
        """The file, or the URL without its password, for messages."""
        ...

    @property
    def lease_ttl_seconds(self) -> float:
        """How long a silent process keeps the lease; on PostgreSQL, also how long a session
        may sit idle inside a transaction before the server ends it."""
        ...

    def postgres_dsn(self) -> str | None:
        """The PostgreSQL URL with its password, or None for SQLite."""
        ...


def _postgres(storage: StoreSettings | Path) -> tuple[StoreSettings, str] | None:
    """The settings and URL of the PostgreSQL store `storage` names, or None for a SQLite file."""
    if isinstance(storage, Path):
        return None
    dsn = storage.postgres_dsn()
    return None if dsn is None else (storage, dsn)


class Database:
    """The process's connection to the store."""

    def __init__(self, engine: SqliteStore | PgStore) -> None:
        self._engine = engine
        # Checked at the start of every newsroom write transaction, inside it: the bot's
        # instance lease sets one so that a process that lost the lease cannot publish again.
        self.fence: Fence | None = None
        # This process's id in `workers` (storage.workers), written on the rows it claims.
        self.worker_id: str | None = None
        # A SQLite file never becomes unreachable: its health never changes.
        self.health = (
            engine.health if not isinstance(engine, SqliteStore) else StoreHealth(str(engine.path))
        )

    @classmethod
    async def open(cls, storage: StoreSettings | Path, *, run_migrations: bool = True) -> Database:
        """Open the configured store (a bare path is a SQLite file) and migrate it."""
        postgres = _postgres(storage)
        if postgres is None:
            path = storage if isinstance(storage, Path) else storage.path
            return cls(await SqliteStore.open(path, run_migrations=run_migrations))
        # Imported here so a SQLite desk never loads asyncpg.
        from storage.engines.postgres import PgStore  # noqa: PLC0415

        settings, dsn = postgres
        pg = await PgStore.open(
            dsn,
            where=settings.where,
            pool_size=settings.pool_size,
            run_migrations=run_migrations,
            idle_in_transaction_seconds=settings.lease_ttl_seconds,
        )
        return cls(pg)

    @property
    def engine(self) -> Engine:
        """Which engine holds the store."""
        return "sqlite" if isinstance(self._engine, SqliteStore) else "postgres"

    @property
    def where(self) -> str:
        """The store's file or URL (without a password), for messages."""
        engine = self._engine
        return str(engine.path) if isinstance(engine, SqliteStore) else engine.where

    @property
    def store(self) -> StoreConn:
        """The connection for reads outside a transaction; writes belong inside `write()`."""
        return self._engine.store

    @asynccontextmanager
    async def write(self) -> AsyncIterator[StoreConn]:
        """A short write transaction, committed on success, rolled back on error.

        On SQLite: `BEGIN IMMEDIATE` under the process's write lock; a full disk or a read-only
        store becomes `StoreNotWritableError`. Inside `newsroom_writes()`, the fence, if set,
        may refuse the transaction before anything is written.
        """
        engine = self._engine
        fence = self.fence if _NEWSROOM.get() else None
        if isinstance(engine, SqliteStore):
            async with engine.transaction(fence):
                yield engine.store
        else:
            async with engine.transaction(fence) as conn:
                yield conn

    async def close(self) -> None:
        """Close the connection or pool (idempotent)."""
        await self._engine.close()
