"""SQL for `favorites`: what each subscriber saved with ⭐, written in set-based batches.

A burst of ⭐ presses is one statement for the whole batch — an upsert over a VALUES list that
flips `saved` and RETURNs each row's new state — rather than a few statements per press: each
aiosqlite call costs a thread hop that dwarfs the SQL itself (docs/facts.md, "aiosqlite /
SQLite": ~65–80 µs a call against ~5 µs of SQL). Callers own the transaction. Rows with
`saved = 0` are removed favorites, invisible to every read here.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import aiosqlite

from bot.domain import Article
from storage.articles import SELECT_ARTICLE, readable_articles, to_db_time
from storage.search import LISTED

Pair = tuple[int, int]  # (user id, article id)

# SQLite allows 32,766 parameters per statement; two per pair, with room to spare.
MAX_PAIRS_PER_STATEMENT = 5_000

# New state per pair: a toggle flips it (a re-save moves the favorite to the top), a save sets it.
_TOGGLE = "saved = 1 - favorites.saved"
_SAVE = "saved = 1"
_RESAVED_AT = (
    "saved_at = CASE WHEN favorites.saved = 0 THEN excluded.saved_at ELSE favorites.saved_at END"
)


def _values(pairs: Collection[Pair]) -> tuple[str, list[int]]:
    if len(pairs) > MAX_PAIRS_PER_STATEMENT:
        raise ValueError(f"at most {MAX_PAIRS_PER_STATEMENT} pairs per statement")
    placeholders = ", ".join("(?, ?)" for _ in pairs)
    params = [number for pair in pairs for number in pair]
    return f"VALUES {placeholders}", params


class FavoriteRepository:
    """All SQL on `favorites`. Callers own the transaction for writes."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def toggle_pairs(self, pairs: Collection[Pair], *, now: datetime) -> dict[Pair, bool]:
        """Flip each pair whose article is listed; return their new state (True: saved).

        Pairs missing from the result were left alone: the article is gone or retracted.
        Each pair must appear once.
        """
        return await self._upsert(pairs, _TOGGLE, now)

    async def save_pairs(self, pairs: Collection[Pair], *, now: datetime) -> dict[Pair, bool]:
        """Save each pair whose article is listed (an already saved pair keeps its time)."""
        return await self._upsert(pairs, _SAVE, now)

    async def _upsert(
        self, pairs: Collection[Pair], new_state: str, now: datetime
    ) -> dict[Pair, bool]:
        if not pairs:
            return {}
        values, params = _values(pairs)
        rows = await self._conn.execute_fetchall(
            "INSERT INTO favorites (user_id, article_id, saved_at, saved, first_saved_at) "
            f"SELECT v.column1, v.column2, ?, 1, ? FROM ({values}) AS v "
            f"JOIN articles a ON a.id = v.column2 WHERE {LISTED} "
            f"ON CONFLICT (user_id, article_id) DO UPDATE SET {new_state}, {_RESAVED_AT} "
            "RETURNING user_id, article_id, saved",
            [to_db_time(now), to_db_time(now), *params],
        )
        return {(int(row[0]), int(row[1])): bool(row[2]) for row in rows}

    async def remove(self, user_id: int, article_id: int) -> None:
        """Remove one favorite, whatever state its article is in."""
        await self._conn.execute(
            "DELETE FROM favorites WHERE user_id = ? AND article_id = ?", (user_id, article_id)
        )

    async def page(self, user_id: int, *, offset: int, limit: int) -> list[Article]:
        """A user's favorites still in the channel, the most recently saved first."""
        rows = await self._conn.execute_fetchall(
            f"{SELECT_ARTICLE} JOIN favorites f ON f.article_id = a.id "
            f"WHERE f.user_id = ? AND f.saved = 1 AND {LISTED} "
            "ORDER BY f.saved_at DESC, f.article_id DESC LIMIT ? OFFSET ?",
            (user_id, limit, offset),
        )
        return readable_articles(rows)

    async def saved_ids(self, user_id: int) -> list[int]:
        """Every article id a user saved, the most recent first (for checks and tests)."""
        rows = await self._conn.execute_fetchall(
            "SELECT article_id FROM favorites WHERE user_id = ? AND saved = 1 "
            "ORDER BY saved_at DESC, article_id DESC",
            (user_id,),
        )
        return [int(row[0]) for row in rows]

    async def savers(self, article_id: int) -> list[int]:
        """Who has the article saved now, in user id order (for checks and benchmarks)."""
        rows = await self._conn.execute_fetchall(
            "SELECT user_id FROM favorites WHERE article_id = ? AND saved = 1 ORDER BY user_id",
            (article_id,),
        )
        return [int(row[0]) for row in rows]
