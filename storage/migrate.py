"""Numbered SQL migrations applied in order against `PRAGMA user_version`.

Each file `NNNN_name.sql` moves the schema from version NNNN-1 to NNNN inside one transaction,
so a failure leaves the database at the previous version rather than half-migrated. PostgreSQL
has its own set (`migrations_pg/`, applied by storage.migrate_pg) under the same numbers: it
starts at a baseline of the whole schema, since no PostgreSQL store exists below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import aiosqlite

from bot.domain.errors import SchemaTooNewError, StorageError

_NAME_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_FOLDERS = {"sqlite": "migrations", "postgres": "migrations_pg"}


@dataclass(frozen=True)
class Migration:
    """One schema step."""

    version: int
    name: str
    sql: str


def available_migrations(
    engine: Literal["sqlite", "postgres"] = "sqlite",
) -> list[Migration]:
    """The migrations shipped with this code for `engine`, ordered by version.

    SQLite's set runs from 0001; PostgreSQL's from its baseline. Either runs without gaps.
    """
    found: list[Migration] = []
    for entry in resources.files("storage").joinpath(_FOLDERS[engine]).iterdir():
        match = _NAME_RE.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    first = 1 if engine == "sqlite" else (found[0].version if found else 1)
    if [m.version for m in found] != list(range(first, first + len(found))):
        raise StorageError(
            f"{engine} migrations are not numbered {first:04d}, {first + 1:04d}, … without gaps"
        )
    return found


def too_new(current: int, newest: int) -> SchemaTooNewError:
    """The refusal of a database a newer newsdesk migrated, in the same words on both engines."""
    return SchemaTooNewError(
        f"the database is at schema version {current} but this newsdesk knows only up to "
        f"{newest}: upgrade newsdesk (or use a database made by this version)"
    )


async def schema_version(conn: aiosqlite.Connection) -> int:
    """The version the database file is at."""
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(conn: aiosqlite.Connection, *, target: int | None = None) -> int:
    """Bring the database up to `target` (default: the newest); return the version reached."""
    migrations = available_migrations()
    newest = migrations[-1].version if migrations else 0
    target = newest if target is None else target
    current = await schema_version(conn)
    if current > newest:
        raise too_new(current, newest)
    for migration in migrations:
        if current < migration.version <= target:
            script = (
                f"BEGIN IMMEDIATE;\n{migration.sql}\n"
                f"PRAGMA user_version = {migration.version};\nCOMMIT;"
            )
            try:
                await conn.executescript(script)
            except Exception:
                if conn.in_transaction:
                    await conn.rollback()
                raise
            current = migration.version
    return current
