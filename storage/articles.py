"""SQL for the `articles` table, returning `bot.domain.Article` models.

The table is shared with the site's own systems, which may write rows directly, so reads are
lenient about what they find (naive timestamps are UTC, as the schema documents) while writes
always store ISO 8601 UTC text. The same statements run on both engines (storage/sql.py).

Several processes may ingest the same story at once on PostgreSQL: `upsert` inserts with
`ON CONFLICT (guid) DO NOTHING`, and the one that finds its row taken by another treats it as
the existing article, rather than failing on the unique guid.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from bot.domain import Article, ArticleDraft, UpsertOutcome, UpsertResult
from bot.domain.errors import UnreadableArticleError
from storage.sql import StoreConn
from storage.times import parse_time

logger = logging.getLogger(__name__)

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
# The article columns on the alias `a`, for queries that join articles to something first.
ARTICLE_COLUMNS = ", ".join(f"a.{c}" for c in _COLUMNS)
SELECT_ARTICLE = f"SELECT {ARTICLE_COLUMNS} FROM articles a"

_INSERT_COLUMNS = ("guid", *_CONTENT_FIELDS, "created_at", "updated_at")
# Another process may store the same guid between our read and this insert: no row comes back
# then, and `upsert` reads the row that won instead of raising a unique violation.
_INSERT = (
    f"INSERT INTO articles ({', '.join(_INSERT_COLUMNS)}) "
    f"VALUES ({', '.join(f'${n}' for n in range(1, len(_INSERT_COLUMNS) + 1))}) "
    "ON CONFLICT (guid) DO NOTHING RETURNING id"
)
_UPDATE = (
    "UPDATE articles SET "
    + ", ".join(f"{name} = ${n}" for n, name in enumerate(_CONTENT_FIELDS, 1))
    + f", updated_at = ${len(_CONTENT_FIELDS) + 1} WHERE id = ${len(_CONTENT_FIELDS) + 2}"
)


def to_db_time(value: datetime) -> str:
    """ISO 8601 UTC with milliseconds and a Z, which also sorts correctly as text."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def from_db_time(value: str) -> datetime:
    """Parse what we or the site wrote (any form `storage.times` reads); naive means UTC."""
    parsed = parse_time(value)
    if parsed is None:
        raise ValueError(f"unreadable time {str(value)[:60]!r}")
    return parsed


def article_from_row(row: Iterable[Any]) -> Article:
    """Build an Article from a row selected with `SELECT_ARTICLE`'s column order.

    Raises `UnreadableArticleError` (with the id and why) for a row no reader can use, so a
    caller can set that one article aside instead of failing for all of them.
    """
    data = dict(zip(_COLUMNS, row, strict=True))
    article_id = int(data["id"])
    for key in ("published_at", "created_at", "updated_at"):
        parsed = parse_time(data[key])
        if parsed is None:
            shown = str(data[key])[:60]
            raise UnreadableArticleError(article_id, f"unreadable {key}: {shown!r}")
        data[key] = parsed
    data["is_breaking"] = bool(data["is_breaking"])
    data["date_only"] = bool(data["date_only"])
    try:
        return Article.model_validate(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise UnreadableArticleError(article_id, f"unreadable {where}: {problem['msg']}") from None


def readable_articles(rows: Iterable[Iterable[Any]]) -> list[Article]:
    """The rows that make Articles; an unreadable one is left out (and logged), not fatal.

    For lists shown to readers: one bad row the site wrote must not break /latest for all.
    """
    articles: list[Article] = []
    for row in rows:
        try:
            articles.append(article_from_row(row))
        except UnreadableArticleError as exc:
            logger.warning("left out of a list: %s", exc)
    return articles


def _draft_values(draft: ArticleDraft) -> dict[str, Any]:
    values = {name: getattr(draft, name) for name in _CONTENT_FIELDS}
    values["published_at"] = to_db_time(draft.published_at)
    values["is_breaking"] = int(draft.is_breaking)
    values["date_only"] = int(draft.date_only)
    return values


class ArticleRepository:
    """All SQL on `articles`. Callers own the transaction for writes."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def get(self, article_id: int) -> Article | None:
        """The article with this id, if any."""
        row = await self._conn.fetchrow(f"{SELECT_ARTICLE} WHERE a.id = $1", article_id)
        return article_from_row(row) if row else None

    async def get_by_guid(self, guid: str) -> Article | None:
        """The article with this identity, if any."""
        row = await self._conn.fetchrow(f"{SELECT_ARTICLE} WHERE a.guid = $1", guid)
        return article_from_row(row) if row else None

    async def count(self) -> int:
        """How many articles are stored."""
        return int(await self._conn.fetchval("SELECT count(*) FROM articles") or 0)

    async def upsert(
        self, draft: ArticleDraft, *, now: datetime, keep_published: bool = False
    ) -> UpsertResult:
        """Insert a new article, update a changed one, or leave an identical one alone.

        With `keep_published` (the input gave no time), an existing article keeps its time.
        """
        existing = await self.get_by_guid(draft.guid)
        stamp = to_db_time(now)
        if existing is None:
            values = _draft_values(draft)
            new_id = await self._conn.fetchval(_INSERT, draft.guid, *values.values(), stamp, stamp)
            if new_id is not None:
                stored = await self.get(int(new_id))
                assert stored is not None  # just inserted inside the caller's transaction
                return UpsertResult(UpsertOutcome.NEW, stored)
            # Another process stored this guid since we looked (it has committed: the insert
            # waited for it); from here on it is the existing article.
            existing = await self.get_by_guid(draft.guid)
            assert existing is not None
        if keep_published:
            draft = draft.model_copy(
                update={"published_at": existing.published_at, "date_only": existing.date_only}
            )
        if _same_content(existing, draft):
            return UpsertResult(UpsertOutcome.UNCHANGED, existing)
        values = _draft_values(draft)
        await self._conn.execute(_UPDATE, *values.values(), stamp, existing.id)
        stored = await self.get(existing.id)
        assert stored is not None
        return UpsertResult(UpsertOutcome.UPDATED, stored)


def _same_content(article: Article, draft: ArticleDraft) -> bool:
    return all(getattr(article, name) == getattr(draft, name) for name in _CONTENT_FIELDS)
