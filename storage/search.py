"""Reads subscribers make: the newest posted articles, breaking news, categories, full-text search.

What a subscriber may see is decided in one place, `LISTED`: an article is *available* unless
it was retracted (`articles.retracted_at`, set by an editor's /retract), and *listed* once it
is also posted in the channel. Every query here and the ⭐ check use the same condition; it is
SQL, so it stays in storage rather than travelling through the services.

Search text is folded the same way on both sides: the migration's `articles_search_text` view
folds what is indexed, `fold_arabic` folds the query. The user's words are always quoted as FTS5
strings, so `"`, `*`, `-`, `NEAR`, `AND` and parentheses are searched as words, never as syntax.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

# The `regex` package ships no type hints; stubs may or may not be installed (types-regex).
import regex  # type: ignore[import-untyped, unused-ignore]

from bot.domain import Article, CategoryCount
from storage.articles import ARTICLE_COLUMNS, SELECT_ARTICLE, readable_articles, to_db_time
from storage.search_scores import (
    COLUMN_WEIGHTS,
    count_terms,
    estimated_scores,
    exact_is_cheap,
    quoted,
)

# Harakat and tanwin (U+064B–U+0652), the superscript alef and tatweel vanish; hamza-carrying and
# wasla alefs become a bare alef; alef maksura becomes ya. Keep in step with the migration's view.
_ARABIC_FOLDING: dict[int, str | None] = {
    **{code: None for code in range(0x064B, 0x0653)},
    0x0640: None,
    0x0670: None,
    0x0622: "\u0627",
    0x0623: "\u0627",
    0x0625: "\u0627",
    0x0671: "\u0627",
    0x0649: "\u064a",
}
_WORD = regex.compile(r"[\p{L}\p{N}\p{M}]+")
# A 4,000-character paste is still searched, by its first words: enough to find the story.
MAX_TERMS = 32
# Title matches weigh most, then the summary, then the body.
# The same weights as the estimated ranking's, in the FTS table's column order.
_BM25 = f"bm25(articles_fts, {', '.join(map(str, COLUMN_WEIGHTS.values()))})"
# Relevance halves for every week of age: readers of a news channel want the recent story.
_RECENCY_DAYS = 7.0
_UNKNOWN_AGE_DAYS = 365.0
# Only the newest matches are ranked: FTS5 walks a term's matches newest id first and stops
# here; with relevance halving weekly, an older match would rarely reach the first pages anyway.
# That alone does not bound the cost: bm25 still reads every match of every term (see
# storage.search_scores, which ranks queries of common words instead).
SEARCH_CANDIDATES = 500


def fold_arabic(text: str) -> str:
    """Drop Arabic vowel marks and tatweel and unify alef forms, as the index does."""
    return text.translate(_ARABIC_FOLDING)


def search_terms(query: str) -> list[str]:
    """The user's words: runs of letters, digits and marks, deduplicated, at most MAX_TERMS.

    Everything else separates words, as it does for the unicode61 tokenizer: "e-mail" is "e"
    and "mail", "title:budget" is "title" and "budget", a lone "*" or "-" is nothing.
    """
    terms: list[str] = []
    for word in _WORD.findall(fold_arabic(query)):
        if word not in terms:
            terms.append(word)
            if len(terms) == MAX_TERMS:
                break
    return terms


def match_expression(terms: list[str], *, any_term: bool = False) -> str:
    """An FTS5 query that treats every term as a quoted string (all terms, or any of them)."""
    return (" OR " if any_term else " ").join(quoted(term) for term in terms)


@dataclass(frozen=True)
class SearchQuery:
    """A reader's search: its words, and whether any of them may match rather than all."""

    terms: tuple[str, ...]
    any_term: bool = False

    @property
    def match(self) -> str:
        """The FTS5 expression."""
        return match_expression(list(self.terms), any_term=self.any_term)


_AVAILABLE = "a.retracted_at IS NULL"
_POSTED = "EXISTS (SELECT 1 FROM deliveries d WHERE d.article_id = a.id AND d.state = 'posted')"
# The SQL condition, on the alias `a`, for what subscribers may see.
LISTED = f"{_AVAILABLE} AND {_POSTED}"
# Posted in one of some channels (an edition): the (article_id, channel) key finds each row.
_POSTED_IN = (
    "EXISTS (SELECT 1 FROM deliveries d WHERE d.article_id = a.id AND d.state = 'posted' "
    "AND d.channel IN (SELECT value FROM json_each(?)))"
)

Editions = tuple[str, ...] | None
"""The channels whose posts a list answers from; None is every channel."""


def listed_in(editions: Editions) -> tuple[str, tuple[object, ...]]:
    """`LISTED`, narrowed to articles posted in one of `editions`, and its parameters.

    The channel names travel as one JSON parameter, so the SQL text is the same for any number
    of channels (one prepared statement each).
    """
    if editions is None:
        return LISTED, ()
    return f"{_AVAILABLE} AND {_POSTED_IN}", (json.dumps(list(editions)),)


class NewsRepository:
    """All SQL behind /latest, /breaking, /categories, /search and article deep links."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _articles(self, sql: str, params: tuple[object, ...]) -> list[Article]:
        rows = await self._conn.execute_fetchall(sql, params)
        return readable_articles(rows)

    async def listed(self, article_id: int) -> Article | None:
        """One article, if subscribers may see it."""
        found = await self._articles(
            f"{SELECT_ARTICLE} WHERE a.id = ? AND {LISTED}", (article_id,)
        )
        return found[0] if found else None

    async def latest(
        self, category: str | None, *, offset: int, limit: int, editions: Editions = None
    ) -> list[Article]:
        """Listed articles (of `editions`), newest first, optionally of one category."""
        where, params = listed_in(editions)
        if category is not None:
            where += " AND a.category = ?"
            params = (*params, category)
        params = (*params, limit, offset)
        return await self._articles(
            f"{SELECT_ARTICLE} WHERE {where} "
            "ORDER BY a.published_at DESC, a.id DESC LIMIT ? OFFSET ?",
            params,
        )

    async def breaking(
        self, since: datetime, *, limit: int, editions: Editions = None
    ) -> list[Article]:
        """Listed breaking articles (of `editions`) published since `since`, newest first."""
        listed, params = listed_in(editions)
        return await self._articles(
            f"{SELECT_ARTICLE} WHERE a.is_breaking = 1 AND a.published_at >= ? "
            f"AND {listed} ORDER BY a.published_at DESC, a.id DESC LIMIT ?",
            (to_db_time(since), *params, limit),
        )

    async def categories(self, editions: Editions = None) -> list[CategoryCount]:
        """Categories of listed articles (of `editions`) with their counts, the biggest first."""
        listed, params = listed_in(editions)
        rows = await self._conn.execute_fetchall(
            "SELECT a.category, count(*) AS n FROM articles a WHERE a.category IS NOT NULL "
            f"AND trim(a.category) != '' AND {listed} "
            "GROUP BY a.category ORDER BY n DESC, a.category",
            params,
        )
        return [CategoryCount(str(row[0]), int(row[1])) for row in rows]

    async def search(
        self,
        query: SearchQuery,
        *,
        now: datetime,
        offset: int,
        limit: int,
        editions: Editions = None,
    ) -> list[Article]:
        """Listed articles (of `editions`) matching the query, by relevance weighted by recency.

        Ranked among the SEARCH_CANDIDATES newest matches (see there): by bm25 when its terms
        are rare enough for its full scan to be cheap, else by storage.search_scores' estimate.
        """
        age = f"coalesce(julianday(?) - julianday(a.published_at), {_UNKNOWN_AGE_DAYS})"
        order = (
            f"ORDER BY hits.score / (1.0 + max(0.0, {age}) / {_RECENCY_DAYS}), a.id DESC "
            "LIMIT ? OFFSET ?"
        )
        listed, params = listed_in(editions)
        counts = await count_terms(self._conn, query.terms)
        if exact_is_cheap(counts):
            return await self._articles(
                f"WITH hits AS (SELECT rowid AS id, {_BM25} AS score FROM articles_fts "
                "WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ?) "
                f"{SELECT_ARTICLE} JOIN hits ON hits.id = a.id WHERE {listed} {order}",
                (query.match, SEARCH_CANDIDATES, *params, to_db_time(now), limit, offset),
            )
        scores = await estimated_scores(
            self._conn,
            query.match,
            query.terms,
            counts,
            SEARCH_CANDIDATES,
            any_term=query.any_term,
        )
        # CROSS JOIN keeps the 500 scored ids outside: joined the other way round, SQLite would
        # scan every article and look each up in the JSON.
        return await self._articles(
            "WITH hits AS (SELECT value ->> 0 AS id, value ->> 1 AS score FROM json_each(?)) "
            f"SELECT {ARTICLE_COLUMNS} FROM hits CROSS JOIN articles a ON a.id = hits.id "
            f"WHERE {listed} {order}",
            (json.dumps(scores), *params, to_db_time(now), limit, offset),
        )
