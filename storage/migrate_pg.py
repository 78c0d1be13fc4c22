"""The PostgreSQL half of storage.migrate: the same numbered steps, safe with several workers.

Several newsdesk processes may start at once on one PostgreSQL database. Each holds a session
advisory lock while it migrates, so the second waits, then finds the schema current and does
nothing. The caller passes a dedicated connection (not one from the pool): the session lock
belongs to that connection and goes away with it if the process dies mid-migration.

The version lives in a one-row table `schema_version` (PostgreSQL has no `user_version`). Each
file is applied in its own transaction together with the version it reaches, so a failure leaves
the database at the previous version rather than half-migrated.
"""

from __future__ import annotations

import asyncpg

from bot.domain.errors import StorageError
from storage.migrate import available_migrations, too_new

# Advisory lock keys are per database; this one is the bytes of "newsdesk" read as a bigint.
MIGRATION_LOCK = int.from_bytes(b"newsdesk", "big", signed=True)

_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),
    version integer NOT NULL
)
"""
_SET_VERSION = """
INSERT INTO schema_version (version) VALUES ($1)
ON CONFLICT (one) DO UPDATE SET version = excluded.version
"""


async def schema_version_pg(conn: asyncpg.Connection) -> int:
    """The version the database is at: 0 for a database newsdesk never migrated."""
    exists = await conn.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
    if not exists:
        return 0
    version = await conn.fetchval("SELECT version FROM schema_version")
    return int(version) if version is not None else 0


async def migrate_pg(conn: asyncpg.Connection, *, target: int | None = None) -> int:
    """Bring the database up to `target` (default: the newest); return the version reached."""
    migrations = available_migrations("postgres")
    newest = migrations[-1].version
    target = newest if target is None else target
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    try:
        await conn.execute(_VERSION_TABLE)
        current = await schema_version_pg(conn)
        if current > newest:
            raise too_new(current, newest)
        if 0 < current < migrations[0].version:
            raise StorageError(
                f"the database is at schema version {current}, which no PostgreSQL store of "
                f"newsdesk has: it starts at {migrations[0].version}"
            )
        for migration in migrations:
            if current < migration.version <= target:
                async with conn.transaction():
                    await conn.execute(migration.sql)  # no arguments: several statements
                    await conn.execute(_SET_VERSION, migration.version)
                current = migration.version
        return current
    finally:
        if not conn.is_closed():
            await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
