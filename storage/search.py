"""Reads subscribers make: the newest posted articles, breaking news, categories, full-text search.

What a subscriber may see is decided in one place, `LISTED`: an article is *available* unless
it was retracted (`articles.retracted_at`, set by an editor's /retract), and *listed* once it
is also posted in the channel. Every query here and the ⭐ check use the same condition; it is
SQL, so it stays in storage rather than travelling through the services.

Both engines (storage/sql.py). The lists are one text each; a list narrowed to some editions
reads the channel names from one JSON parameter, spelled per engine (`_POSTED_IN`). Search
differs in full: FTS5 with bm25 here (and storage.search_scores for common words), a tsvector
on PostgreSQL (storage.search_pg); both rank relevance ÷ (1 + age / 7 days), title over
summary over body, among the SEARCH_CANDIDATES newest matches.

Search text is folded the same way on all sides: SQLite's `articles_search_text` view and
PostgreSQL's `newsdesk_fold` fold what is indexed, `fold_arabic` folds the query. The user's
words are always searched as words (FTS5 strings; `phraseto_tsquery` per term on PostgreSQL),
so `"`, `*`, `-`, `NEAR`, `AND` and parentheses are never syntax.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

# The `regex` package ships no type hints; stubs may or may not be installed (types-regex).
import regex  # type: ignore[import-untyped, unused-ignore]

from bot.domain import Article, CategoryCount
from storage.articles import ARTICLE_COLUMNS, SELECT_ARTICLE, readable_articles, to_db_time
from storage.search_pg import ranked_search
from storage.search_scores import (
    COLUMN_WEIGHTS,
    count_terms,
    estimated_scores,
    exact_is_cheap,
    quoted,
)
from storage.sql import Engine, Row, Sql, StoreConn, text_for

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
# The names are one JSON array parameter (`{channels}` is its `$n`), whatever their number.
_POSTED_IN = Sql(
    sqlite="EXISTS (SELECT 1 FROM deliveries d WHERE d.article_id = a.id AND d.state = 'posted' "
    "AND d.channel IN (SELECT value FROM json_each({channels})))",
    postgres="EXISTS (SELECT 1 FROM deliveries d WHERE d.article_id = a.id "
    "AND d.state = 'posted' "
    "AND d.channel IN (SELECT json_array_elements_text({channels}::text::json)))",
)

Editions = tuple[str, ...] | None
"""The channels whose posts a list answers from; None is every channel."""


class Args:
    """The parameters of a statement being written: each value added is named by its `$n`.

    Statements here are assembled from parts (an edition filter, a category), so numbering by
    hand would go wrong; the text still depends only on which parts are there, never on values.
    """

    def __init__(self) -> None:
        self.values: list[object] = []

    def __call__(self, value: object) -> str:
        """Add `value`; its placeholder."""
        self.values.append(value)
        return f"${len(self.values)}"


def listed_in(editions: Editions, args: Args, engine: Engine) -> str:
    """`LISTED`, narrowed to articles posted in one of `editions` (a parameter added to `args`).

    The channel names travel as one JSON parameter, so the SQL text is the same for any number
    of channels (one prepared statement each).
    """
    if editions is None:
        return LISTED
    posted_in = text_for(_POSTED_IN, engine).format(channels=args(json.dumps(list(editions))))
    return f"{_AVAILABLE} AND {posted_in}"


class NewsRepository:
    """All SQL behind /latest, /breaking, /categories, /search and article deep links."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def _articles(self, sql: str, args: Args) -> list[Article]:
        rows: list[Row] = await self._conn.fetch(sql, *args.values)
        return readable_articles(tuple(row) for row in rows)

    def _listed(self, editions: Editions, args: Args) -> str:
        return listed_in(editions, args, self._conn.engine)

    async def listed(self, article_id: int) -> Article | None:
        """One article, if subscribers may see it."""
        args = Args()
        found = await self._articles(
            f"{SELECT_ARTICLE} WHERE a.id = {args(article_id)} AND {LISTED}", args
        )
        return found[0] if found else None

    async def latest(
        self, category: str | None, *, offset: int, limit: int, editions: Editions = None
    ) -> list[Article]:
        """Listed articles (of `editions`), newest first, optionally of one category."""
        args = Args()
        where = self._listed(editions, args)
        if category is not None:
            where += f" AND a.category = {args(category)}"
        return await self._articles(
            f"{SELECT_ARTICLE} WHERE {where} "
            f"ORDER BY a.published_at DESC, a.id DESC LIMIT {args(limit)} OFFSET {args(offset)}",
            args,
        )

    async def breaking(
        self, since: datetime, *, limit: int, editions: Editions = None
    ) -> list[Article]:
        """Listed breaking articles (of `editions`) published since `since`, newest first."""
        args = Args()
        since_at = args(to_db_time(since))
        return await self._articles(
            f"{SELECT_ARTICLE} WHERE a.is_breaking = 1 AND a.published_at >= {since_at} "
            f"AND {self._listed(editions, args)} "
            f"ORDER BY a.published_at DESC, a.id DESC LIMIT {args(limit)}",
            args,
        )

    async def categories(self, editions: Editions = None) -> list[CategoryCount]:
        """Categories of listed articles (of `editions`) with their counts, the biggest first.

        Ties are ordered by name here, by code point on both engines (a PostgreSQL database's
        collation might order names otherwise; SQLite compares them as bytes).
        """
        args = Args()
        rows = await self._conn.fetch(
            "SELECT a.category, count(*) AS n FROM articles a WHERE a.category IS NOT NULL "
            f"AND trim(a.category) != '' AND {self._listed(editions, args)} "
            "GROUP BY a.category",
            *args.values,
        )
        found = [CategoryCount(str(row[0]), int(row[1])) for row in rows]
        return sorted(found, key=lambda c: (-c.count, c.name))

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

        Ranked among the SEARCH_CANDIDATES newest matches (see there). On SQLite by bm25 when
        its terms are rare enough for its full scan to be cheap, else by
        storage.search_scores' estimate; on PostgreSQL by storage.search_pg.
        """
        args = Args()
        if self._conn.engine == "postgres":
            sql = ranked_search(
                terms=args(list(query.terms)),
                any_term=args(query.any_term),
                candidates=SEARCH_CANDIDATES,
                listed=self._listed(editions, args),
                now=args(to_db_time(now)),
                limit=args(limit),
                offset=args(offset),
            )
            return await self._articles(sql, args)
        counts = await count_terms(self._conn, query.terms)
        if exact_is_cheap(counts):
            match, candidates = args(query.match), args(SEARCH_CANDIDATES)
            return await self._articles(
                f"WITH hits AS (SELECT rowid AS id, {_BM25} AS score FROM articles_fts "
                f"WHERE articles_fts MATCH {match} ORDER BY rowid DESC LIMIT {candidates}) "
                f"{SELECT_ARTICLE} JOIN hits ON hits.id = a.id "
                f"WHERE {self._listed(editions, args)} {_order(args, now, limit, offset)}",
                args,
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
        hits = args(json.dumps(scores))
        return await self._articles(
            "WITH hits AS (SELECT value ->> 0 AS id, value ->> 1 AS score "
            f"FROM json_each({hits})) SELECT {ARTICLE_COLUMNS} "
            "FROM hits CROSS JOIN articles a ON a.id = hits.id "
            f"WHERE {self._listed(editions, args)} {_order(args, now, limit, offset)}",
            args,
        )


def _order(args: Args, now: datetime, limit: int, offset: int) -> str:
    """SQLite's ranking of `hits.score` (bm25: lower is better) by age, and the page."""
    age = (
        f"coalesce(julianday({args(to_db_time(now))}) - julianday(a.published_at), "
        f"{_UNKNOWN_AGE_DAYS})"
    )
    return (
        f"ORDER BY hits.score / (1.0 + max(0.0, {age}) / {_RECENCY_DAYS}), a.id DESC "
        f"LIMIT {args(limit)} OFFSET {args(offset)}"
    )
