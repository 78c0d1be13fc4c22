"""SQL for `users`: the people the bot has seen, their language choice and alert opt-in.

Sightings are written in batches (`record_seen`): a row per update would cost a write on every
⭐ press and command, while a last-seen time a few seconds late costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.domain import Sighting, UserRecord
from storage.articles import from_db_time, to_db_time

# `started_at` is set once, by the first sighting in private chat (`reachable`).
_UPSERT_SEEN = (
    "INSERT INTO users (id, language_code, active, first_seen, last_seen, started_at) "
    "VALUES (?1, ?2, 1, ?3, ?3, CASE WHEN ?4 THEN ?3 END) ON CONFLICT (id) DO UPDATE SET "
    "language_code = coalesce(excluded.language_code, users.language_code), "
    "last_seen = max(users.last_seen, excluded.last_seen), "
    "active = CASE WHEN ?4 THEN 1 ELSE users.active END, "
    "started_at = coalesce(users.started_at, excluded.started_at)"
)
# Settings are changed in private chat, so they start the reader too.
_UPSERT_SETTING = (
    "INSERT INTO users (id, {column}, first_seen, last_seen, started_at) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET {column} = excluded.{column}, "
    "last_seen = max(users.last_seen, excluded.last_seen), "
    "started_at = coalesce(users.started_at, excluded.started_at)"
)


class UserRepository:
    """All SQL on `users`. Callers own the transaction for writes."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def record_seen(self, sightings: Iterable[Sighting]) -> None:
        """Create or refresh a row per sighting (one statement for all of them)."""
        rows = [
            (s.user_id, s.language_code, to_db_time(s.at), int(s.reachable)) for s in sightings
        ]
        if rows:
            await self._conn.executemany(_UPSERT_SEEN, rows)

    async def set_language(self, user_id: int, language: str | None, *, now: datetime) -> None:
        """Store a user's language choice (None: follow Telegram's language code again)."""
        stamp = to_db_time(now)
        await self._conn.execute(
            _UPSERT_SETTING.format(column="language"), (user_id, language, stamp, stamp, stamp)
        )

    async def set_alerts(self, user_id: int, opt_in: bool, *, now: datetime) -> None:
        """Opt a user in to or out of breaking-news alerts."""
        stamp = to_db_time(now)
        await self._conn.execute(
            _UPSERT_SETTING.format(column="alerts_opt_in"),
            (user_id, int(opt_in), stamp, stamp, stamp),
        )

    async def language_overrides(self) -> dict[int, str]:
        """Every user's /language choice, for the in-memory cache."""
        rows = await self._conn.execute_fetchall(
            "SELECT id, language FROM users WHERE language IS NOT NULL"
        )
        return {int(row[0]): str(row[1]) for row in rows}

    async def get(self, user_id: int) -> UserRecord | None:
        """One user's row."""
        rows = list(
            await self._conn.execute_fetchall(
                "SELECT id, language, language_code, alerts_opt_in, active, first_seen, "
                "last_seen FROM users WHERE id = ?",
                (user_id,),
            )
        )
        if not rows:
            return None
        row = rows[0]
        return UserRecord(
            id=int(row[0]),
            language=row[1],
            language_code=row[2],
            alerts_opt_in=bool(row[3]),
            active=bool(row[4]),
            first_seen=from_db_time(row[5]),
            last_seen=from_db_time(row[6]),
        )
