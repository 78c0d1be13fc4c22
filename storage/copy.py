"""Copying a desk from its SQLite store into a PostgreSQL database (`newsdesk migrate-store`).

The SQL side of the move: which tables, in which order, which columns, and how one table is
copied, counted and resumed. `bot/store_copy.py` is the command around it.

- Tables go in foreign-key order (articles first). `instance_lease` is not copied (it names the
  SQLite desk's own process), nor `webhook_updates` (ids of updates already taken in, kept a
  day), nor `channel_pace` (the last minute's send times), nor the schema version (each store
  has its own).
- Columns are the target's own, less what PostgreSQL computes itself: the generated
  `articles.search_vector` and the `seq` identity that stands for SQLite's rowid; deliveries and
  breaking_posts are therefore read in rowid order, so `seq` numbers them in the same order.
- Each table is copied in ONE target transaction (COPY in chunks, the SQLite rows streamed by a
  cursor, so memory holds one chunk), its count compared with the source's before the commit, and
  its completion recorded in the target's `bot_state` (key `MARKER`) in that same transaction.
  A copy killed half-way therefore leaves whole tables or nothing of a table; run again, it skips
  the tables recorded complete (counts still equal) and goes on from the first one that is not.
  Why not resume inside a table by its largest key: favorites and deliveries have composite keys
  and deliveries must keep rowid order, so a key cursor per table would need a source rowid the
  target does not keep; a whole table again (1M favorites: seconds) is the simpler price.
- The articles triggers stay on: a COPY is an INSERT, so only their insert branch runs, which
  leaves already-normalised times exactly as they are (the update-bump branch never fires). What
  they flag in `article_problems` for a row whose times stayed unreadable is replaced by the
  source's own rows when `article_problems` is copied.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import aiosqlite
import asyncpg

from bot.domain import LeaseHolder
from bot.domain.errors import StorageError
from storage.engines.sqlite import SqliteConn
from storage.lease import LeaseRepository
from storage.sql import StoreConn

# Every table of a desk, parents before children (articles first).
TABLES: tuple[str, ...] = (
    "articles",
    "article_problems",
    "deliveries",
    "superseded_posts",
    "breaking_previews",
    "breaking_posts",
    "alerts",
    "alert_recipients",
    "users",
    "favorites",
    "source_state",
    "bot_state",
    "audit_log",
    "held_commands",
    "post_reactions",
    "insight_sends",
)
# Read in insertion order: the target's `seq` identity numbers rows as they arrive.
_ROWID_ORDER = {"deliveries", "breaking_posts"}
# Tables whose `id` is an identity the target must continue after the copied ids.
IDENTITY_TABLES = ("articles", "audit_log", "held_commands", "breaking_previews", "alerts")
# The target's record of a copy in progress (in bot_state, which is itself copied: this one key
# is left out of that table's copy and count).
MARKER = "migrate_store"
# Serialises two copies into one database (a session advisory lock: dies with the connection).
COPY_LOCK = int.from_bytes(b"ndcopy!!", "big", signed=True)

_TARGET_COLUMNS = """
SELECT column_name, data_type FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = $1
  AND is_generated = 'NEVER' AND coalesce(identity_generation, '') <> 'ALWAYS'
ORDER BY ordinal_position
"""
_SOURCE_COLUMNS = "SELECT name FROM pragma_table_info(?)"
_PUT_MARKER = """
INSERT INTO bot_state (key, value, updated_at) VALUES ($1, $2, newsdesk_now())
ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
"""
# What SQLite's typeof() must say for a value PostgreSQL's column type can take.
_SQLITE_TYPES = {"bigint": "integer", "integer": "integer", "text": "text"}


@dataclass(frozen=True)
class Table:
    """One table to copy: its name and the columns both sides hold."""

    name: str
    columns: tuple[str, ...]

    def where(self) -> str:
        """The rows that belong to the copy (bot_state without the copy's own marker)."""
        return f" WHERE key <> '{MARKER}'" if self.name == "bot_state" else ""

    def select(self) -> str:
        """The source's rows, in the order the target must receive them."""
        order = " ORDER BY rowid" if self.name in _ROWID_ORDER else ""
        return f"SELECT {', '.join(self.columns)} FROM {self.name}{self.where()}{order}"

    def count(self) -> str:
        """How many rows belong to the copy, on either side."""
        return f"SELECT count(*) FROM {self.name}{self.where()}"


@dataclass(frozen=True)
class Progress:
    """What the target records of a copy under way: its source and the tables complete."""

    source: str
    done: tuple[str, ...]

    def text(self) -> str:
        """As stored in bot_state."""
        return json.dumps({"source": self.source, "done": list(self.done)})


@dataclass(frozen=True)
class TableResult:
    """How one table ended: rows on each side, and whether this run copied it."""

    name: str
    source_rows: int
    target_rows: int
    copied_now: bool


async def tables(source: aiosqlite.Connection, target: asyncpg.Connection) -> list[Table]:
    """Every table with its columns, checked to be the same set on both sides."""
    found = []
    for name in TABLES:
        typed = await target.fetch(_TARGET_COLUMNS, name)
        async with source.execute(_SOURCE_COLUMNS, (name,)) as cursor:
            theirs = {str(row[0]) for row in await cursor.fetchall()}
        ours = tuple(str(row[0]) for row in typed)
        generated = {"search_vector", "seq"}
        if not ours or set(ours) != theirs - generated:
            raise StorageError(
                f"table {name} differs between the stores (SQLite: {sorted(theirs) or 'none'}; "
                f"PostgreSQL: {sorted(ours) or 'none'}) — are both at the same schema version?"
            )
        found.append(Table(name, ours))
        await _check_types(source, name, {str(row[0]): str(row[1]) for row in typed})
    return found


async def _check_types(source: aiosqlite.Connection, table: str, types: dict[str, str]) -> None:
    """Refuse, naming the column, a SQLite value PostgreSQL's column cannot hold."""
    checks = [
        f"sum(typeof({column}) NOT IN ('{_SQLITE_TYPES[kind]}', 'null'))"
        for column, kind in types.items()
        if kind in _SQLITE_TYPES
    ]
    names = [column for column, kind in types.items() if kind in _SQLITE_TYPES]
    async with source.execute(f"SELECT {', '.join(checks)} FROM {table}") as cursor:
        row = await cursor.fetchone()
    for column, bad in zip(names, row or (), strict=False):
        if bad:
            raise StorageError(
                f"{table}.{column}: {bad} row(s) in the SQLite store hold a value that is not "
                f"{_SQLITE_TYPES[types[column]]} — PostgreSQL's {types[column]} column cannot "
                "take it; correct those rows in the SQLite store, then run again"
            )


async def open_source(path: Path) -> aiosqlite.Connection:
    """The SQLite store (`path` absolute), read-only, in one read transaction: one snapshot."""
    conn = await aiosqlite.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        await conn.execute("BEGIN")
        await conn.execute("SELECT count(*) FROM sqlite_master")  # the snapshot starts here
    except BaseException:
        await conn.close()
        raise
    return conn


async def running_bot(
    source: aiosqlite.Connection, *, ttl: timedelta, now: datetime
) -> LeaseHolder | None:
    """The bot holding the SQLite store's instance lease, if it is alive (as `acquire` judges)."""
    return await LeaseRepository(SqliteConn(source), ttl=ttl).live_holder(now)


async def lock(target: asyncpg.Connection) -> bool:
    """Take the copy's lock on the target for this session; False if another copy holds it."""
    return bool(await target.fetchval("SELECT pg_try_advisory_lock($1)", COPY_LOCK))


async def progress(target: asyncpg.Connection) -> Progress | None:
    """The copy under way in the target, if one was started and not finished."""
    value = await target.fetchval("SELECT value FROM bot_state WHERE key = $1", MARKER)
    return None if value is None else _progress(value)


async def unfinished(store: StoreConn) -> Progress | None:
    """The copy a migrate-store began into this store and did not finish, if any.

    Only a PostgreSQL store can hold one (the marker is never copied out of bot_state), and
    one never migrated has no bot_state to hold it.
    """
    if store.engine != "postgres" or not await store.fetchval(
        "SELECT to_regclass('bot_state') IS NOT NULL"
    ):
        return None
    value = await store.fetchval("SELECT value FROM bot_state WHERE key = $1", MARKER)
    return None if value is None else _progress(str(value))


def _progress(value: str) -> Progress:
    data = json.loads(value)
    return Progress(str(data["source"]), tuple(str(name) for name in data["done"]))


async def occupied(target: asyncpg.Connection) -> list[str]:
    """The tables of the target that hold rows (the copy's own marker aside)."""
    full = []
    for name in TABLES:
        where = f" WHERE key <> '{MARKER}'" if name == "bot_state" else ""
        if await target.fetchval(f"SELECT EXISTS (SELECT 1 FROM {name}{where})"):
            full.append(name)
    return full


async def start(target: asyncpg.Connection, source: str, *, empty_first: bool) -> None:
    """Record a new copy from `source`; with `empty_first`, empty every table first."""
    async with target.transaction():
        if empty_first:
            await target.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        await target.execute(_PUT_MARKER, MARKER, Progress(source, ()).text())


async def count_source(source: aiosqlite.Connection, table: Table) -> int:
    """The rows of `table` in the SQLite store."""
    async with source.execute(table.count()) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def count_target(target: asyncpg.Connection, table: Table) -> int:
    """The rows of `table` in the PostgreSQL database."""
    return int(await target.fetchval(table.count()))


async def copy_table(
    source: aiosqlite.Connection,
    target: asyncpg.Connection,
    table: Table,
    done: Progress,
    *,
    chunk_size: int,
    on_chunk: Callable[[int], Awaitable[None]] | None = None,
) -> TableResult:
    """Copy `table` whole in one transaction, record it done, commit only if counts are equal."""
    expected = await count_source(source, table)
    async with target.transaction():
        # Whatever is there (the articles trigger's flags, an earlier copy's rows when the
        # source changed since) makes way for the source's rows.
        if table.name == "bot_state":
            await target.execute("DELETE FROM bot_state WHERE key <> $1", MARKER)
        else:
            await target.execute(f"TRUNCATE {table.name} CASCADE")
        copied = 0
        async with source.execute(table.select()) as cursor:
            while rows := list(await cursor.fetchmany(chunk_size)):
                await target.copy_records_to_table(
                    table.name, records=rows, columns=list(table.columns)
                )
                copied += len(rows)
                if on_chunk is not None:
                    await on_chunk(copied)
        found = await count_target(target, table)
        if found != expected:
            raise StorageError(
                f"{table.name}: {expected:,} rows in the SQLite store but {found:,} in "
                "PostgreSQL after the copy; nothing of this table was kept — run again"
            )
        after = Progress(done.source, (*done.done, table.name))
        await target.execute(_PUT_MARKER, MARKER, after.text())
    return TableResult(table.name, expected, found, copied_now=True)


async def set_identities(target: asyncpg.Connection) -> None:
    """Let each identity continue after the largest id copied (the next row gets max + 1)."""
    for name in IDENTITY_TABLES:
        await target.execute(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"coalesce(max(id), 0) + 1, false) FROM {name}"
        )


async def finish(target: asyncpg.Connection) -> None:
    """The copy is complete and verified: forget its marker."""
    await target.execute("DELETE FROM bot_state WHERE key = $1", MARKER)
