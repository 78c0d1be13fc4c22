"""The store's side of health and metrics: a ping, the schema version, and what operators count.

Read at scrape time (`/readyz`, `/metrics`), on the shared read connection, never in a write
transaction: each is one cheap aggregate, so a scrape every few seconds costs the store little.
The same statements run on both engines, except the schema version, which SQLite keeps in
`PRAGMA user_version` and PostgreSQL in the one-row `schema_version` table.
"""

from __future__ import annotations

from storage.migrate import available_migrations
from storage.sql import Sql, StoreConn

_SCHEMA_VERSION = Sql(
    sqlite="PRAGMA user_version",
    postgres="SELECT version FROM schema_version",
)


class HealthQueries:
    """Read-only questions about the store's state; no transaction needed."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def ping(self) -> None:
        """One round trip: raises if the store cannot answer."""
        await self._conn.fetchval("SELECT 1")

    async def schema_version(self) -> int:
        """The version the store's schema is at (0: never migrated)."""
        value = await self._conn.fetchval(_SCHEMA_VERSION)
        return int(value) if value is not None else 0

    def newest_schema(self) -> int:
        """The version this code migrates the store to."""
        migrations = available_migrations(self._conn.engine)
        return migrations[-1].version if migrations else 0

    async def deliveries_by_state(self) -> dict[tuple[str, str], int]:
        """How many articles each channel has in each delivery state: (channel, state) → n."""
        rows = await self._conn.fetch(
            "SELECT channel, state, count(*) FROM deliveries GROUP BY channel, state"
        )
        return {(str(channel), str(state)): int(count) for channel, state, count in rows}

    async def alert_messages_by_state(self) -> dict[str, int]:
        """Alert messages of every alert so far, by state (rows are never deleted)."""
        rows = await self._conn.fetch(
            "SELECT state, count(*) FROM alert_recipients GROUP BY state"
        )
        return {str(state): int(count) for state, count in rows}
