"""SQL for `favorites`: what each subscriber saved with ⭐, written in set-based batches.

A burst of ⭐ presses is one statement for the whole batch — an upsert over the batch's pairs
(a JSON list on SQLite, two unnested arrays on PostgreSQL) that flips `saved` and RETURNs
each row's new state — rather than a few statements per press: each aiosqlite call costs a
thread hop that dwarfs the SQL itself (docs/facts.md, "aiosqlite / SQLite": ~65–80 µs a call
against ~5 µs of SQL), and each PostgreSQL statement a round trip. Callers own the
transaction. Rows with `saved = 0` are removed favorites, invisible to every read here.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Collection
from datetime import datetime

from bot.domain import Article
from storage.articles import SELECT_ARTICLE, readable_articles, to_db_time
from storage.search import LISTED
from storage.sql import Sql, StoreConn

Pair = tuple[int, int]  # (user id, article id)

# New state per pair: a toggle flips it (a re-save moves the favorite to the top), a save sets it.
_TOGGLE = "saved = 1 - favorites.saved"
_SAVE = "saved = 1"
_REMOVE = "remove"  # not an upsert: `change` deletes these rows one by one
_RESAVED_AT = (
    "saved_at = CASE WHEN favorites.saved = 0 THEN excluded.saved_at ELSE favorites.saved_at END"
)
# The batch's pairs as `v (user_id, article_id)`: one text for any batch on each engine. Not a
# VALUES list of `$n` marks: SQLite looks each named parameter up in a list, so binding 2n of
# them costs O(n²) (measured: 500 pairs 12.8 ms against 1.0 ms with `?`, 5 000 pairs 2 s).
_PAIRS = Sql(
    sqlite="(SELECT value ->> 0 AS user_id, value ->> 1 AS article_id FROM json_each($2)) AS v",
    postgres="unnest($2::bigint[], $3::bigint[]) AS v (user_id, article_id)",
)
# The rows go in in (user, article) order on both engines: two workers' batches then lock the
# pairs they share in the same order, so on PostgreSQL neither waits for the other in a circle.
_UPSERT = (
    "INSERT INTO favorites (user_id, article_id, saved_at, saved, first_saved_at) "
    "SELECT v.user_id, v.article_id, $1, 1, $1 FROM {pairs} "
    f"JOIN articles a ON a.id = v.article_id WHERE {LISTED} ORDER BY v.user_id, v.article_id "
    "ON CONFLICT (user_id, article_id) DO UPDATE SET {new_state}, " + _RESAVED_AT + " "
    "RETURNING user_id, article_id, saved"
)


def _upsert_for(new_state: str) -> Sql:
    """The batch upsert setting `new_state`, on each engine."""
    return Sql(
        sqlite=_UPSERT.format(pairs=_PAIRS.sqlite, new_state=new_state),
        postgres=_UPSERT.format(pairs=_PAIRS.postgres, new_state=new_state),
    )


_UPSERTS = {_TOGGLE: _upsert_for(_TOGGLE), _SAVE: _upsert_for(_SAVE)}


class FavoriteRepository:
    """All SQL on `favorites`. Callers own the transaction for writes."""

    def __init__(self, conn: StoreConn) -> None:
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

    async def change(
        self,
        *,
        toggle: Collection[Pair] = (),
        save: Collection[Pair] = (),
        remove: Collection[Pair] = (),
        now: datetime,
    ) -> dict[Pair, bool]:
        """Apply one batch of changes, each pair in one of them only; new states as above.

        Every row is locked in (user, article) order across the whole batch, whatever its kind:
        the batch runs as one statement per stretch of same-kind pairs in that order, not one
        per kind. Per kind, two workers whose batches share pairs with the kinds swapped
        (toggled in one, saved in the other) each lock their first kind's rows and then wait
        for the other's: a deadlock, which PostgreSQL breaks after a second by failing one
        (tests/subscribers/test_writer_workers.py caught it every run). Batches are mostly
        toggles, so this is still one statement in the common case.
        """
        kinds = sorted(
            [(pair, _TOGGLE) for pair in toggle]
            + [(pair, _SAVE) for pair in save]
            + [(pair, _REMOVE) for pair in remove],
            key=lambda change: change[0],
        )
        states: dict[Pair, bool] = {}
        for kind, stretch in itertools.groupby(kinds, key=lambda change: change[1]):
            pairs = [pair for pair, _ in stretch]
            if kind == _REMOVE:
                for user_id, article_id in pairs:  # rare: the ✖ buttons in /favorites
                    await self.remove(user_id, article_id)
            else:
                states |= await self._upsert(pairs, kind, now)
        return states

    async def _upsert(
        self, pairs: Collection[Pair], new_state: str, now: datetime
    ) -> dict[Pair, bool]:
        if not pairs:
            return {}
        ordered = sorted(pairs)
        # The one place the engines take different arguments: one JSON list of pairs for
        # SQLite's json_each, an array of users and one of articles for PostgreSQL's unnest.
        if self._conn.engine == "postgres":
            args: list[object] = [[u for u, _ in ordered], [a for _, a in ordered]]
        else:
            args = [json.dumps(ordered)]
        rows = await self._conn.fetch(_UPSERTS[new_state], to_db_time(now), *args)
        return {(int(row[0]), int(row[1])): bool(row[2]) for row in rows}

    async def remove(self, user_id: int, article_id: int) -> None:
        """Remove one favorite, whatever state its article is in."""
        await self._conn.execute(
            "DELETE FROM favorites WHERE user_id = $1 AND article_id = $2", user_id, article_id
        )

    async def page(self, user_id: int, *, offset: int, limit: int) -> list[Article]:
        """A user's favorites still in the channel, the most recently saved first."""
        rows = await self._conn.fetch(
            f"{SELECT_ARTICLE} JOIN favorites f ON f.article_id = a.id "
            f"WHERE f.user_id = $1 AND f.saved = 1 AND {LISTED} "
            "ORDER BY f.saved_at DESC, f.article_id DESC LIMIT $2 OFFSET $3",
            user_id,
            limit,
            offset,
        )
        # tuple(): readable_articles is typed for Sequence rows until articles.py takes `Row`.
        return readable_articles(tuple(row) for row in rows)

    async def saved_ids(self, user_id: int) -> list[int]:
        """Every article id a user saved, the most recent first (for checks and tests)."""
        rows = await self._conn.fetch(
            "SELECT article_id FROM favorites WHERE user_id = $1 AND saved = 1 "
            "ORDER BY saved_at DESC, article_id DESC",
            user_id,
        )
        return [int(row[0]) for row in rows]

    async def savers(self, article_id: int) -> list[int]:
        """Who has the article saved now, in user id order (for checks and benchmarks)."""
        rows = await self._conn.fetch(
            "SELECT user_id FROM favorites WHERE article_id = $1 AND saved = 1 ORDER BY user_id",
            article_id,
        )
        return [int(row[0]) for row in rows]
