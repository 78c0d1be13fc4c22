"""SQL for `source_state`: what newsdesk remembers about each feed between fetches.

The service reads a source's state, fetches, and writes the new state in the same transaction
as the articles it stored, so a crash never leaves "first fetch done" recorded without the
entries (or the reverse). `SourceState` is a plain dataclass; callers own the transaction.

On PostgreSQL two processes may fetch one story at once (or the same story from two feeds):
`insert_new` skips a guid another process stored meanwhile (`ON CONFLICT (guid) DO NOTHING`)
and returns that article's id, rather than failing on the unique guid.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bot.domain import ArticleDraft, KnownArticle, SourceState
from storage.articles import from_db_time, to_db_time
from storage.sql import Sql, StoreConn

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
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM source_state"
_SAVE = (
    f"INSERT INTO source_state ({', '.join(_COLUMNS)}) "
    f"VALUES ({', '.join(f'${n}' for n in range(1, len(_COLUMNS) + 1))}) "
    "ON CONFLICT (name) DO UPDATE SET "
    + ", ".join(f"{column} = excluded.{column}" for column in _COLUMNS[1:])
)
_INSERT_COLUMNS = (*_DRAFT_COLUMNS, "created_at", "updated_at")
_INSERT_NEW = (
    f"INSERT INTO articles ({', '.join(_INSERT_COLUMNS)}) "
    f"VALUES ({', '.join(f'${n}' for n in range(1, len(_INSERT_COLUMNS) + 1))}) "
    "ON CONFLICT (guid) DO NOTHING"
)
# The guids come as one JSON array: one prepared statement whatever their number.
_KNOWN = Sql(
    sqlite="SELECT guid, id, source, published_at FROM articles "
    "WHERE guid IN (SELECT value FROM json_each($1))",
    postgres="SELECT guid, id, source, published_at FROM articles "
    "WHERE guid IN (SELECT json_array_elements_text($1::text::json))",
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

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def get(self, name: str) -> SourceState | None:
        """The state of one source, if it was ever fetched."""
        row = await self._conn.fetchrow(f"{_SELECT} WHERE name = $1", name)
        return _from_row(row) if row else None

    async def all(self) -> list[SourceState]:
        """Every source's state, by name (for /status)."""
        rows = await self._conn.fetch(f"{_SELECT} ORDER BY name")
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
        await self._conn.execute(_SAVE, *values)

    async def insert_new(self, drafts: list[ArticleDraft], *, now: datetime) -> dict[str, int]:
        """Insert drafts known to be new in one statement; return their ids by guid.

        A feed's first fetch stores dozens of articles; one `executemany` instead of a
        read-insert-read per article is what keeps ingesting close to the cost of parsing.
        A guid another process stored since the caller looked is skipped, and its id returned.
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
        date_only = _DRAFT_COLUMNS.index("date_only")
        for row, draft in zip(rows, drafts, strict=True):
            row[published] = to_db_time(draft.published_at)
            row[breaking] = int(draft.is_breaking)
            row[date_only] = int(draft.date_only)
        await self._conn.executemany(_INSERT_NEW, rows)
        known = await self.known_articles([draft.guid for draft in drafts])
        return {guid: article.id for guid, article in known.items()}

    async def known_articles(self, guids: list[str]) -> dict[str, KnownArticle]:
        """Stored articles among `guids`, in one query (a fetch checks all its entries)."""
        if not guids:
            return {}
        rows = await self._conn.fetch(_KNOWN, json.dumps(guids))
        return {
            str(guid): KnownArticle(int(article_id), source, from_db_time(published))
            for guid, article_id, source, published in rows
        }
