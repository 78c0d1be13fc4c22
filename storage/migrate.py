"""Numbered SQL migrations applied in order against `PRAGMA user_version`.

Each file `NNNN_name.sql` moves the schema from version NNNN-1 to NNNN inside one transaction,
so a failure leaves the database at the previous version rather than half-migrated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import aiosqlite

from bot.domain.errors import SchemaTooNewError, StorageError

_NAME_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    """One schema step."""

    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """The migrations shipped with this code, ordered by version."""
    found: list[Migration] = []
    for entry in resources.files("storage").joinpath("migrations").iterdir():
        match = _NAME_RE.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise StorageError("migrations are not numbered 0001, 0002, … without gaps")
    return found


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
        raise SchemaTooNewError(
            f"the database is at schema version {current} but this newsdesk knows only up to "
            f"{newest}: upgrade newsdesk (or use a database made by this version)"
        )
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
