"""/search on PostgreSQL: the articles' tsvector, ranked as SQLite ranks with bm25.

The schema (migrations_pg/0015_baseline.sql) keeps a generated `search_vector` on `articles`
(the `simple` configuration over the folded text; title weight A, summary B, body D) with a GIN
index, so rows the site writes are searchable with no code of ours. The reader's words arrive
as a text array and become a tsquery inside the database (`newsdesk_tsquery`: each term a
phrase of its tokens, all terms or any): nothing the user typed is parsed as tsquery syntax.

Ranking has SQLite's shape: relevance ÷ (1 + age / 7 days), an unknown age counting as a year,
among the SEARCH_CANDIDATES newest matches (storage.search). Relevance is `ts_rank` with the
weights D 0.1, B 0.4, A 1.0 (bm25's body 1 : summary 4 : title 10), its length normalised
(flag 1: divided by 1 + log of the article's length). It has no idf: a query of one rare and
one common word weighs both alike where bm25 favours the rare one; the "same top results" test
(tests/subscribers/test_search_engines.py) holds both engines to the same answers where the
margins are clear.

The age is computed from the text without casting it to a timestamp: the site may store an
unreadable time (kept, and flagged in article_problems), and one failed cast would fail the
whole search. A time in newsdesk's form is read arithmetically (a day past the month's end runs
into the next month, as SQLite's julianday reads it); anything else is of unknown age. Such an
article is left out of the page anyway (storage.articles.readable_articles).
"""

from __future__ import annotations

from storage.articles import ARTICLE_COLUMNS

# ts_rank's weights, in its order {D, C, B, A}: body 0.1, (unused) 0.1, summary 0.4, title 1.0.
_WEIGHTS = "'{0.1, 0.1, 0.4, 1.0}'"
# Relevance halves for every week of age (as storage.search's _RECENCY_DAYS).
_RECENCY_DAYS = 7.0
_UNKNOWN_AGE_DAYS = 365.0
# A time in newsdesk's form, fields in range (but not the days of each month: see the docstring).
_READABLE = (
    r"'^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z$'"
)
# The month's first day, plus the days, plus the time of day: no cast that can fail.
_PUBLISHED = (
    "(left(a.published_at, 7) || '-01')::date + (substr(a.published_at, 9, 2)::integer - 1) "
    "+ substr(a.published_at, 12, 12)::time"
)


def ranked_search(
    *, terms: str, any_term: str, candidates: int, listed: str, now: str, limit: str, offset: str
) -> str:
    """The statement for one page of matches, given each parameter's placeholder (`$n`).

    `terms` is a text[] of the reader's words, `any_term` a boolean, `now` an ISO 8601 UTC text;
    `listed` is the condition (on `a`) for what the reader may see. `candidates` is written
    into the text, not bound: see below.
    """
    age = (
        f"CASE WHEN a.published_at ~ {_READABLE} AND left(a.published_at, 4) <> '0000' "
        f"THEN extract(epoch FROM (({now})::text::timestamp - ({_PUBLISHED}))) / 86400.0 END"
    )
    # The tsquery is written out where it is used, not taken from a CTE: with the words
    # known when the statement is planned (asyncpg's prepared statements get a custom plan
    # while generic ones cost more), newsdesk_tsquery folds to a constant and the planner reads
    # the words' frequencies: a common word walks the newest ids until it has the candidates
    # (~1 ms), a rare one reads its few matches from the GIN index. Hidden in a CTE, a common
    # word made a bitmap of nearly every article and read them all (0.5 s at 100,000). The
    # candidate cap is a literal for the same reason: bound, PostgreSQL guessed a tenth of it
    # for the generic plan, found that cheaper than the custom ones after five runs and kept it.
    tsquery = f"newsdesk_tsquery(({terms})::text[], ({any_term})::boolean)"
    return (
        f"WITH hits AS (SELECT h.id FROM articles h WHERE h.search_vector @@ {tsquery} "
        f"ORDER BY h.id DESC LIMIT {int(candidates)}) "
        f"SELECT {ARTICLE_COLUMNS} FROM hits JOIN articles a ON a.id = hits.id "
        f"WHERE {listed} "
        f"ORDER BY ts_rank({_WEIGHTS}, a.search_vector, {tsquery}, 1) "
        f"/ (1.0 + greatest(0.0, coalesce({age}, {_UNKNOWN_AGE_DAYS})) / {_RECENCY_DAYS}) DESC, "
        f"a.id DESC LIMIT {limit} OFFSET {offset}"
    )
