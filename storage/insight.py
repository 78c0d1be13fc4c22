"""SQL for insight: reaction counts per channel post, and each post with what readers did.

Counts only. No query here returns who saved or reacted: Telegram's reaction counts are
anonymous, and saves are counted from `favorites` without reading a user id.

A story's saves are counted from the covering index `favorites_by_article (article_id, saved,
first_saved_at)`, so counting never reads the favorites table itself; posts are read by
`deliveries_posted` (posted_at). `posts` streams its rows (aiosqlite hands them over in chunks,
PostgreSQL through a cursor), so the export holds one chunk in memory whatever the range.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Mapping, Sequence
from datetime import datetime

from bot.domain import Article
from bot.domain.insight import PostReactions, PostStats
from storage.articles import SELECT_ARTICLE, from_db_time, readable_articles, to_db_time
from storage.sql import Row, Sql, StoreConn
from storage.times import parse_time

# One row per channel post (article, channel) — a retracted story's too: its delivery is
# skipped, but it went out — with the story's saves and the post's reactions. The first hour
# ends an hour after the post, written as the stored times are (ISO 8601 UTC, ms, Z).
_POSTS = """
SELECT a.id, a.guid, a.title, a.url, a.category, a.language, a.published_at,
       d.channel, d.chat_id, d.message_id, d.posted_at, d.corrections,
       CASE WHEN a.retracted_at IS NOT NULL THEN 1 ELSE 0 END,
       (SELECT count(*) FROM favorites f
         WHERE f.article_id = a.id AND f.saved = 1),
       (SELECT count(*) FROM favorites f
         WHERE f.article_id = a.id AND f.first_saved_at >= d.posted_at
           AND f.first_saved_at < {first_hour_end}),
       coalesce(r.total, 0)
FROM deliveries d
JOIN articles a ON a.id = d.article_id
LEFT JOIN post_reactions r ON r.channel = d.channel AND r.message_id = d.message_id
WHERE d.posted_at IS NOT NULL
  AND (d.state = 'posted' OR (d.state = 'skipped' AND a.retracted_at IS NOT NULL))
"""
_FIRST_HOUR_END = Sql(
    sqlite="strftime('%Y-%m-%dT%H:%M:%fZ', d.posted_at, '+1 hour')",
    postgres="to_char((d.posted_at::timestamptz + interval '1 hour') AT TIME ZONE 'UTC', "
    '\'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\')',
)


def _posts(tail: str) -> Sql:
    """`_POSTS` on each engine, followed by `tail` (more conditions, the order)."""
    return Sql(
        sqlite=_POSTS.format(first_hour_end=_FIRST_HOUR_END.sqlite) + tail,
        postgres=_POSTS.format(first_hour_end=_FIRST_HOUR_END.postgres) + tail,
    )


# Posted in one of some channels, given as one JSON list (one text for any number of them).
_IN_EDITIONS = Sql(
    sqlite="AND d.channel IN (SELECT value FROM json_each($3))",
    postgres="AND d.channel IN (SELECT json_array_elements_text($3::text::json))",
)
_POPULAR = (
    "SELECT a.id, (SELECT count(*) FROM favorites f "
    "  WHERE f.article_id = a.id AND f.saved = 1) AS saves "
    "FROM articles a WHERE a.retracted_at IS NULL AND a.id IN ("
    "  SELECT d.article_id FROM deliveries d WHERE d.state = 'posted' "
    "  AND d.posted_at >= $1 {in_editions}) "
    "ORDER BY saves DESC, a.published_at DESC, a.id DESC LIMIT $2"
)
_POPULAR_ANYWHERE = _POPULAR.format(in_editions="")
_POPULAR_IN = Sql(
    sqlite=_POPULAR.format(in_editions=_IN_EDITIONS.sqlite),
    postgres=_POPULAR.format(in_editions=_IN_EDITIONS.postgres),
)
# Articles by id, the ids given as one JSON list.
_ARTICLES_BY_ID = Sql(
    sqlite=f"{SELECT_ARTICLE} WHERE a.id IN (SELECT value FROM json_each($1))",
    postgres=f"{SELECT_ARTICLE} WHERE a.id = ANY("
    "SELECT (json_array_elements_text($1::text::json))::bigint)",
)


def _stats(row: Row) -> PostStats:
    return PostStats(
        article_id=int(row[0]),
        guid=str(row[1]),
        title=str(row[2]),
        url=row[3],
        category=row[4],
        language=row[5],
        published_at=parse_time(row[6]) if row[6] is not None else None,
        channel=str(row[7]),
        chat_id=row[8],
        message_id=row[9],
        posted_at=from_db_time(row[10]),
        corrections=int(row[11]),
        retracted=bool(row[12]),
        saves=int(row[13]),
        saves_first_hour=int(row[14]),
        reactions=int(row[15]),
    )


def _window(
    since: datetime | None, until: datetime | None, channel: str | None
) -> tuple[str, list[object]]:
    """The conditions of a window and their arguments, numbered from $1 (at most 8 texts)."""
    where, params = "", list[object]()
    if since is not None:
        params.append(to_db_time(since))
        where += f" AND d.posted_at >= ${len(params)}"
    if until is not None:
        params.append(to_db_time(until))
        where += f" AND d.posted_at < ${len(params)}"
    if channel is not None:
        params.append(channel)
        where += f" AND d.channel = ${len(params)}"
    return where, params


class InsightRepository:
    """All SQL on `post_reactions`, and the per-post reads of insight. Callers own writes'
    transactions."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def record_reactions(
        self, channel: str, message_id: int, counts: Mapping[str, int], *, at: datetime
    ) -> bool:
        """Keep a post's latest counts; False if the stored ones are newer (a late retry)."""
        kept = {kind: int(n) for kind, n in counts.items() if n > 0}
        changed = await self._conn.execute(
            "INSERT INTO post_reactions (channel, message_id, total, counts, counted_at) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel, message_id) DO UPDATE SET "
            "total = excluded.total, counts = excluded.counts, counted_at = excluded.counted_at "
            "WHERE excluded.counted_at >= post_reactions.counted_at",
            channel,
            message_id,
            sum(kept.values()),
            json.dumps(kept, ensure_ascii=False),
            to_db_time(at),
        )
        return changed >= 1

    async def reactions(self, channel: str, message_id: int) -> PostReactions | None:
        """A post's latest counts, if Telegram sent any."""
        row = await self._conn.fetchrow(
            "SELECT counts, counted_at FROM post_reactions WHERE channel = $1 AND message_id = $2",
            channel,
            message_id,
        )
        if row is None:
            return None
        counts, counted_at = row
        return PostReactions(channel, message_id, json.loads(counts), from_db_time(counted_at))

    async def posts(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        channel: str | None = None,
    ) -> AsyncGenerator[PostStats]:
        """Every post in [since, until) (of one channel), oldest first, streamed."""
        where, params = _window(since, until, channel)
        sql = _posts(f"{where} ORDER BY d.posted_at, d.article_id, d.channel")
        rows = self._conn.iterate(sql, *params)
        try:
            async for row in rows:
                yield _stats(row)
        finally:  # a reader that stops early closes this generator: close the cursor with it
            await rows.aclose()

    async def story(self, article_id: int) -> list[PostStats]:
        """Every channel post of one story, in the order they went out."""
        rows = await self._conn.fetch(
            _posts(" AND d.article_id = $1 ORDER BY d.posted_at, d.channel"), article_id
        )
        return [_stats(row) for row in rows]

    async def popular(
        self, since: datetime, *, limit: int, editions: Sequence[str] | None = None
    ) -> list[tuple[Article, int]]:
        """Stories posted since `since` (in `editions`) that readers saved, the most saved first
        (then the newest), with their saves. Retracted stories are left out."""
        if editions:
            found = await self._conn.fetch(
                _POPULAR_IN, to_db_time(since), limit, json.dumps(list(editions))
            )
        else:
            found = await self._conn.fetch(_POPULAR_ANYWHERE, to_db_time(since), limit)
        ranked = [(int(article_id), int(saves)) for article_id, saves in found if saves > 0]
        if not ranked:
            return []
        rows = await self._conn.fetch(
            _ARTICLES_BY_ID, json.dumps([article_id for article_id, _ in ranked])
        )
        # tuple(): readable_articles is typed for Sequence rows until articles.py takes `Row`.
        articles = {article.id: article for article in readable_articles(tuple(r) for r in rows)}
        return [(articles[i], saves) for i, saves in ranked if i in articles]

    async def title_of(self, article_id: int) -> str | None:
        """A story's title, whatever state it is in (for /story on one not posted yet)."""
        title = await self._conn.fetchval("SELECT title FROM articles WHERE id = $1", article_id)
        return None if title is None else str(title)

    async def alert_recipients(self, article_id: int) -> dict[str, int]:
        """How the story's alerts went, by recipient state ("sent", "blocked", …)."""
        rows = await self._conn.fetch(
            "SELECT r.state, count(*) FROM alerts al "
            "JOIN alert_recipients r ON r.alert_id = al.id "
            "WHERE al.article_id = $1 GROUP BY r.state",
            article_id,
        )
        return {str(state): int(n) for state, n in rows}

    async def first_saves_by_minute(self, since: datetime, until: datetime) -> dict[str, int]:
        """New saves per UTC minute ("2026-12-03T06:41") in [since, until), for daily totals in
        the site's zone (a minute belongs to one local day in every zone)."""
        rows = await self._conn.fetch(
            "SELECT substr(first_saved_at, 1, 16), count(*) FROM favorites "
            "WHERE first_saved_at >= $1 AND first_saved_at < $2 GROUP BY 1",
            to_db_time(since),
            to_db_time(until),
        )
        return {str(minute): int(n) for minute, n in rows}

    async def readers_started(self, since: datetime, until: datetime) -> int:
        """Readers whose first private chat with the bot fell in [since, until)."""
        return await self._count(
            "SELECT count(*) FROM users WHERE started_at >= $1 AND started_at < $2",
            to_db_time(since),
            to_db_time(until),
        )

    async def alert_opt_ins(self) -> int:
        """Readers who want breaking-news alerts and can still be reached."""
        return await self._count(
            "SELECT count(*) FROM users WHERE alerts_opt_in = 1 AND active = 1"
        )

    async def troubled_sends(self, since: datetime, until: datetime) -> dict[str, int]:
        """Posts that failed or may have gone out twice ("failed", "uncertain"), by the time
        they reached that state."""
        rows = await self._conn.fetch(
            "SELECT state, count(*) FROM deliveries WHERE state IN ('failed', 'uncertain') "
            "AND updated_at >= $1 AND updated_at < $2 GROUP BY state",
            to_db_time(since),
            to_db_time(until),
        )
        return {str(state): int(n) for state, n in rows}

    async def _count(self, sql: str, *args: object) -> int:
        count = await self._conn.fetchval(sql, *args)
        return int(count or 0)
