"""SQL for `source_state`: what newsdesk remembers about each feed between fetches.

The service reads a source's state, fetches, and writes the new state in the same transaction
as the articles it stored, so a crash never leaves "first fetch done" recorded without the
entries (or the reverse). `SourceState` is a plain dataclass; callers own the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain import ArticleDraft, KnownArticle, SourceState
from storage.articles import from_db_time, to_db_time

# The articles columns a draft fills, named after the draft's fields (the table mirrors them).
_DRAFT_COLUMNS = tuple(ArticleDraft.model_fields)

_TIMES = ("last_fetch_at", "last_success_at", "failing_since", "next_attempt_at")
_COLUMNS = (
    "name",
    "etag",
    "last_modified",
    "content_sha256",
    "entry_count",
    "last_fetch_at",
    "last_success_at",
    "failing_since",
    "consecutive_failures",
    "next_attempt_at",
    "last_error",
    "first_fetch_done",
    "alerted",
)


def _from_row(row: Iterable[Any]) -> SourceState:
    data = dict(zip(_COLUMNS, row, strict=True))
    for key in _TIMES:
        data[key] = from_db_time(data[key]) if data[key] else None
    data["first_fetch_done"] = bool(data["first_fetch_done"])
    data["alerted"] = bool(data["alerted"])
    return SourceState(**data)


class SourceStateRepository:
    """All SQL on `source_state`. Callers own the transaction for writes."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, name: str) -> SourceState | None:
        """The state of one source, if it was ever fetched."""
        async with self._conn.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM source_state WHERE name = ?", (name,)
        ) as cur:
            row = await cur.fetchone()
        return _from_row(row) if row else None

    async def all(self) -> list[SourceState]:
        """Every source's state, by name (for /status)."""
        async with self._conn.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM source_state ORDER BY name"
        ) as cur:
            rows = await cur.fetchall()
        return [_from_row(row) for row in rows]

    async def save(self, state: SourceState) -> None:
        """Insert or replace a source's state."""
        values: list[Any] = []
        for column in _COLUMNS:
            value = getattr(state, column)
            if column in _TIMES:
                value = to_db_time(value) if value is not None else None
            elif isinstance(value, bool):
                value = int(value)
            values.append(value)
        placeholders = ", ".join("?" for _ in _COLUMNS)
        await self._conn.execute(
            f"INSERT OR REPLACE INTO source_state ({', '.join(_COLUMNS)}) VALUES ({placeholders})",
            values,
        )

    async def insert_new(self, drafts: list[ArticleDraft], *, now: datetime) -> dict[str, int]:
        """Insert drafts known to be new in one statement; return their ids by guid.

        A feed's first fetch stores dozens of articles; one `executemany` instead of a
        read-insert-read per article is what keeps ingesting close to the cost of parsing.
        """
        if not drafts:
            return {}
        stamp = to_db_time(now)
        rows = []
        for draft in drafts:
            values = [getattr(draft, column) for column in _DRAFT_COLUMNS]
            rows.append([*values, stamp, stamp])
        published = _DRAFT_COLUMNS.index("published_at")
        breaking = _DRAFT_COLUMNS.index("is_breaking")
        for row, draft in zip(rows, drafts, strict=True):
            row[published] = to_db_time(draft.published_at)
            row[breaking] = int(draft.is_breaking)
        columns = ", ".join((*_DRAFT_COLUMNS, "created_at", "updated_at"))
        marks = ", ".join("?" for _ in range(len(_DRAFT_COLUMNS) + 2))
        await self._conn.executemany(f"INSERT INTO articles ({columns}) VALUES ({marks})", rows)
        known = await self.known_articles([draft.guid for draft in drafts])
        return {guid: article.id for guid, article in known.items()}

    async def known_articles(self, guids: list[str]) -> dict[str, KnownArticle]:
        """Stored articles among `guids`, one query per 500 (a fetch checks all its entries)."""
        found: dict[str, KnownArticle] = {}
        for start in range(0, len(guids), 500):
            chunk = guids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            async with self._conn.execute(
                f"SELECT guid, id, source, published_at FROM articles WHERE guid IN ({marks})",
                chunk,
            ) as cur:
                rows = await cur.fetchall()
            for guid, article_id, source, published in rows:
                found[str(guid)] = KnownArticle(int(article_id), source, from_db_time(published))
        return found
