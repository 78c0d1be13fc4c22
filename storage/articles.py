"""SQL for the `articles` table, returning `bot.domain.Article` models.

The table is shared with the site's own systems, which may write rows directly, so reads are
lenient about what they find (naive timestamps are UTC, as the schema documents) while writes
always store ISO 8601 UTC text.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.domain import Article, ArticleDraft

_CONTENT_FIELDS = (
    "url",
    "title",
    "category",
    "byline",
    "published_at",
    "summary",
    "body",
    "image_url",
    "language",
    "source",
    "is_breaking",
    "date_only",
    "hold_reason",
)
_COLUMNS = ("id", "guid", *_CONTENT_FIELDS, "created_at", "updated_at")
SELECT_ARTICLE = "SELECT " + ", ".join(f"a.{c}" for c in _COLUMNS) + " FROM articles a"


def to_db_time(value: datetime) -> str:
    """ISO 8601 UTC with milliseconds and a Z, which also sorts correctly as text."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def from_db_time(value: str) -> datetime:
    """Parse what we or the site wrote; naive means UTC."""
    parsed = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def article_from_row(row: Sequence[Any]) -> Article:
    """Build an Article from a row selected with `SELECT_ARTICLE`'s column order."""
    data = dict(zip(_COLUMNS, row, strict=True))
    for key in ("published_at", "created_at", "updated_at"):
        data[key] = from_db_time(data[key])
    data["is_breaking"] = bool(data["is_breaking"])
    data["date_only"] = bool(data["date_only"])
    return Article.model_validate(data)


class UpsertOutcome(enum.Enum):
    """What storing a draft did."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class UpsertResult:
    """The outcome of storing one draft, with the article as stored now."""

    outcome: UpsertOutcome
    article: Article


def _draft_values(draft: ArticleDraft) -> dict[str, Any]:
    values = {name: getattr(draft, name) for name in _CONTENT_FIELDS}
    values["published_at"] = to_db_time(draft.published_at)
    values["is_breaking"] = int(draft.is_breaking)
    values["date_only"] = int(draft.date_only)
    return values


class ArticleRepository:
    """All SQL on `articles`. Callers own the transaction for writes."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, article_id: int) -> Article | None:
        """The article with this id, if any."""
        async with self._conn.execute(f"{SELECT_ARTICLE} WHERE a.id = ?", (article_id,)) as cur:
            row = await cur.fetchone()
        return article_from_row(row) if row else None

    async def get_by_guid(self, guid: str) -> Article | None:
        """The article with this identity, if any."""
        async with self._conn.execute(f"{SELECT_ARTICLE} WHERE a.guid = ?", (guid,)) as cur:
            row = await cur.fetchone()
        return article_from_row(row) if row else None

    async def count(self) -> int:
        """How many articles are stored."""
        async with self._conn.execute("SELECT count(*) FROM articles") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def upsert(
        self, draft: ArticleDraft, *, now: datetime, keep_published: bool = False
    ) -> UpsertResult:
        """Insert a new article, update a changed one, or leave an identical one alone.

        With `keep_published` (the input gave no time), an existing article keeps its time.
        """
        existing = await self.get_by_guid(draft.guid)
        if existing is not None and keep_published:
            draft = draft.model_copy(
                update={"published_at": existing.published_at, "date_only": existing.date_only}
            )
        values = _draft_values(draft)
        stamp = to_db_time(now)
        if existing is None:
            columns = ["guid", *values, "created_at", "updated_at"]
            params = [draft.guid, *values.values(), stamp, stamp]
            placeholders = ", ".join("?" for _ in columns)
            await self._conn.execute(
                f"INSERT INTO articles ({', '.join(columns)}) VALUES ({placeholders})", params
            )
            stored = await self.get_by_guid(draft.guid)
            assert stored is not None  # just inserted inside the caller's transaction
            return UpsertResult(UpsertOutcome.NEW, stored)
        if _same_content(existing, draft):
            return UpsertResult(UpsertOutcome.UNCHANGED, existing)
        assignments = ", ".join(f"{name} = ?" for name in values)
        await self._conn.execute(
            f"UPDATE articles SET {assignments}, updated_at = ? WHERE id = ?",
            [*values.values(), stamp, existing.id],
        )
        stored = await self.get(existing.id)
        assert stored is not None
        return UpsertResult(UpsertOutcome.UPDATED, stored)


def _same_content(article: Article, draft: ArticleDraft) -> bool:
    return all(getattr(article, name) == getattr(draft, name) for name in _CONTENT_FIELDS)
