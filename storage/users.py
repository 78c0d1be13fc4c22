"""SQL for `users`: the people the bot has seen, their language choice and alert opt-in.

Sightings are written in batches (`record_seen`): a row per update would cost a write on every
⭐ press and command, while a last-seen time a few seconds late costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.domain import Sighting, UserRecord
from storage.articles import from_db_time, to_db_time
from storage.sql import StoreConn

# The later of the stored and the new sighting (SQLite's scalar max() is not PostgreSQL's).
_LAST_SEEN = (
    "last_seen = CASE WHEN excluded.last_seen > users.last_seen "
    "THEN excluded.last_seen ELSE users.last_seen END"
)
# `started_at` is set once, by the first sighting in private chat (`reachable`, $4: a bool,
# which PostgreSQL needs for `CASE WHEN` and SQLite binds as 1 or 0).
_UPSERT_SEEN = (
    "INSERT INTO users (id, language_code, active, first_seen, last_seen, started_at) "
    "VALUES ($1, $2, 1, $3, $3, CASE WHEN $4 THEN $3 END) ON CONFLICT (id) DO UPDATE SET "
    "language_code = coalesce(excluded.language_code, users.language_code), "
    f"{_LAST_SEEN}, "
    "active = CASE WHEN $4 THEN 1 ELSE users.active END, "
    "started_at = coalesce(users.started_at, excluded.started_at)"
)
# Settings are changed in private chat, so they start the reader too.
_UPSERT_SETTING = (
    "INSERT INTO users (id, {column}, first_seen, last_seen, started_at) "
    "VALUES ($1, $2, $3, $3, $3) "
    "ON CONFLICT (id) DO UPDATE SET {column} = excluded.{column}, "
    f"{_LAST_SEEN}, "
    "started_at = coalesce(users.started_at, excluded.started_at)"
)
_SET_LANGUAGE = _UPSERT_SETTING.format(column="language")
_SET_ALERTS = _UPSERT_SETTING.format(column="alerts_opt_in")


class UserRepository:
    """All SQL on `users`. Callers own the transaction for writes."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def record_seen(self, sightings: Iterable[Sighting]) -> None:
        """Create or refresh a row per sighting (one statement for all of them).

        Rows go in in user order (a user's own sightings keep theirs), so two workers'
        batches lock the users they share in the same order on PostgreSQL: no deadlock.
        """
        rows = sorted(
            ((s.user_id, s.language_code, to_db_time(s.at), s.reachable) for s in sightings),
            key=lambda row: row[0],
        )
        if rows:
            await self._conn.executemany(_UPSERT_SEEN, rows)

    async def set_language(self, user_id: int, language: str | None, *, now: datetime) -> None:
        """Store a user's language choice (None: follow Telegram's language code again)."""
        await self._conn.execute(_SET_LANGUAGE, user_id, language, to_db_time(now))

    async def set_alerts(self, user_id: int, opt_in: bool, *, now: datetime) -> None:
        """Opt a user in to or out of breaking-news alerts."""
        await self._conn.execute(_SET_ALERTS, user_id, int(opt_in), to_db_time(now))

    async def language_overrides(self) -> dict[int, str]:
        """Every user's /language choice, for the in-memory cache."""
        rows = await self._conn.fetch("SELECT id, language FROM users WHERE language IS NOT NULL")
        return {int(row[0]): str(row[1]) for row in rows}

    async def get(self, user_id: int) -> UserRecord | None:
        """One user's row."""
        row = await self._conn.fetchrow(
            "SELECT id, language, language_code, alerts_opt_in, active, first_seen, "
            "last_seen FROM users WHERE id = $1",
            user_id,
        )
        if row is None:
            return None
        return UserRecord(
            id=int(row[0]),
            language=row[1],
            language_code=row[2],
            alerts_opt_in=bool(row[3]),
            active=bool(row[4]),
            first_seen=from_db_time(row[5]),
            last_seen=from_db_time(row[6]),
        )
