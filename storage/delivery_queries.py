"""The delivery record, and the read-only queries on `deliveries` (for the pass and reporting).

Split from the write transitions in `storage.deliveries` so each side stays small; the
`DeliveryRepository` there inherits these, so callers keep one repository per connection.
Nothing here writes, which is why the dry run and the status page may call these on the shared
connection outside a transaction. The record's life cycle is told in `storage.deliveries`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.domain import Article, Delivery, DeliveryState
from bot.domain.errors import UnreadableArticleError
from storage.articles import (
    SELECT_ARTICLE,
    article_from_row,
    from_db_time,
    readable_articles,
    to_db_time,
)
from storage.sql import Row, Sql, StoreConn

logger = logging.getLogger(__name__)


_COLUMNS = (
    "article_id",
    "channel",
    "state",
    "chat_id",
    "message_id",
    "posted_at",
    "has_photo",
    "content_hash",
    "attempts",
    "next_attempt_at",
    "last_error",
    "skip_reason",
    "updated_at",
)
_SELECT = ", ".join(f"d.{c}" for c in _COLUMNS)
_TIME_COLUMNS = ("posted_at", "next_attempt_at", "updated_at")


def _delivery(row: Sequence[Any]) -> Delivery:
    data = dict(zip(_COLUMNS, row, strict=True))
    for key in _TIME_COLUMNS:
        data[key] = from_db_time(data[key]) if data[key] else None
    data["state"] = DeliveryState(data["state"])
    data["has_photo"] = bool(data["has_photo"])
    return Delivery(**data)


def _pair(row: Row) -> tuple[Delivery, Article]:
    values = tuple(row)
    return _delivery(values[: len(_COLUMNS)]), article_from_row(values[len(_COLUMNS) :])


_JOINED = (
    f"SELECT {_SELECT}, {SELECT_ARTICLE.removeprefix('SELECT ')} "
    "JOIN deliveries d ON d.article_id = a.id"
)
# The channel of a row that only records "no configured channel takes this article".
UNROUTED = "*"
# "Not due before the end of time": the routine pass never picks a row held for a push, and if
# the push never happens (a crash between the two writes) the backlog rule skips it in a day.
HELD_UNTIL = "9999-12-31T00:00:00.000Z"

# "The first channel's record" is the oldest: SQLite reads insertion order as the rowid,
# PostgreSQL from the `seq` identity column its schema adds for this.
_FIRST = Sql(
    sqlite=f"SELECT {_SELECT} FROM deliveries d WHERE d.article_id = $1 "
    "ORDER BY d.channel = $2, d.rowid LIMIT 1",
    postgres=f"SELECT {_SELECT} FROM deliveries d WHERE d.article_id = $1 "
    "ORDER BY d.channel = $2, d.seq LIMIT 1",
)
_ALL_FOR = Sql(
    sqlite=f"SELECT {_SELECT} FROM deliveries d WHERE d.article_id = $1 AND d.channel != $2 "
    "ORDER BY d.rowid",
    postgres=f"SELECT {_SELECT} FROM deliveries d WHERE d.article_id = $1 AND d.channel != $2 "
    "ORDER BY d.seq",
)


class DeliveryQueries:
    """Reads of `deliveries`; `DeliveryRepository` adds the writes."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def get(self, article_id: int, channel: str | None = None) -> Delivery | None:
        """An article's record in `channel` (None: its first channel's), if there is one."""
        if channel is not None:
            row = await self._conn.fetchrow(
                f"SELECT {_SELECT} FROM deliveries d WHERE d.article_id = $1 AND d.channel = $2",
                article_id,
                channel,
            )
        else:
            row = await self._conn.fetchrow(_FIRST, article_id, UNROUTED)
        return _delivery(tuple(row)) if row else None

    async def all_for(self, article_id: int) -> list[Delivery]:
        """An article's records in every channel it was routed to (oldest first)."""
        rows = await self._conn.fetch(_ALL_FOR, article_id, UNROUTED)
        return [_delivery(tuple(row)) for row in rows]

    async def state_of(self, article_id: int) -> str | None:
        """The delivery state of one article, or None if the publisher has not seen it."""
        delivery = await self.get(article_id)
        return delivery.state.value if delivery else None

    async def next_due(self, now: datetime, channel: str) -> tuple[Delivery, Article] | None:
        """The oldest article that is due for (another) try in `channel`.

        Raises `UnreadableArticleError` (naming the article) when that row cannot be read, so
        the pass sets it aside and asks again.
        """
        row = await self._conn.fetchrow(
            f"{_JOINED} WHERE d.channel = $1 AND a.retracted_at IS NULL AND "
            "((d.state = 'pending' AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= $2)) "
            "OR (d.state = 'failed' AND d.next_attempt_at <= $2)) "
            "ORDER BY a.published_at, a.id LIMIT 1",
            channel,
            to_db_time(now),
        )
        return _pair(row) if row else None

    async def would_post(self, *, now: datetime, cutoff: datetime) -> list[Article]:
        """What a pass would post now, without writing anything (for a dry run)."""
        rows = await self._conn.fetch(
            f"{SELECT_ARTICLE} WHERE (NOT EXISTS (SELECT 1 FROM deliveries d "
            "WHERE d.article_id = a.id) AND a.published_at >= $1 AND a.published_at <= $2) OR "
            "EXISTS (SELECT 1 FROM deliveries d WHERE d.article_id = a.id AND "
            "((d.state = 'pending' AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= $2) "
            " AND a.published_at >= $1) OR "
            "(d.state = 'failed' AND d.next_attempt_at <= $2 AND a.published_at >= $1))) "
            "ORDER BY a.published_at, a.id",
            to_db_time(cutoff),
            to_db_time(now),
        )
        return readable_articles(tuple(row) for row in rows)

    async def corrections_due(self) -> list[tuple[Delivery, Article]]:
        """Posted articles changed since their post was last written.

        A row that cannot be read is left out (its post stays as it was; the pass's repair
        step tells the editors), so it cannot stop the other corrections.
        """
        rows = await self._conn.fetch(
            # >=: an update in the same millisecond as the post must not be missed; an equal
            # pair costs one render and hash comparison, then mark_corrected moves past it.
            f"{_JOINED} WHERE d.state = 'posted' AND a.updated_at >= d.updated_at "
            "ORDER BY a.updated_at"
        )
        pairs: list[tuple[Delivery, Article]] = []
        for row in rows:
            try:
                pairs.append(_pair(row))
            except UnreadableArticleError as exc:
                logger.warning("post not corrected: %s", exc)
        return pairs

    async def counts(self) -> dict[DeliveryState, int]:
        """How many deliveries are in each state."""
        rows = await self._conn.fetch("SELECT state, count(*) FROM deliveries GROUP BY state")
        return {DeliveryState(str(state)): int(count) for state, count in rows}

    async def last_posted_at(self) -> datetime | None:
        """When the newest post went out."""
        last = await self._conn.fetchval("SELECT max(posted_at) FROM deliveries")
        return from_db_time(str(last)) if last else None

    async def superseded_posts(self, article_id: int) -> list[tuple[str, int]]:  # every channel
        """Earlier channel posts of an article that a later post replaced: (chat, message)."""
        rows = await self._conn.fetch(
            "SELECT chat_id, message_id FROM superseded_posts WHERE article_id = $1", article_id
        )
        return [(str(chat), int(message)) for chat, message in rows]

    async def unreported_uncertain(self) -> list[int]:
        """Articles with an uncertain post the editors have not been told about yet."""
        rows = await self._conn.fetch(
            "SELECT DISTINCT article_id FROM deliveries WHERE state = 'uncertain' "
            "AND reported_at IS NULL ORDER BY article_id"
        )
        return [int(row[0]) for row in rows]
