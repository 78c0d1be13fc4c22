"""/search on PostgreSQL: the articles' tsvector, ranked as SQLite ranks with bm25.

The schema (migrations_pg/0015_baseline.sql) keeps a generated `search_vector` on `articles`
(the `simple` configuration over the folded text; title weight A, summary B, body D) with a GIN
index, so rows the site writes are searchable with no code of ours. The reader's words arrive
as a text array and become a tsquery inside the database (`newsdesk_tsquery`: each term a
phrase of its tokens, all terms or any): nothing the user typed is parsed as tsquery syntax.

Ranking has SQLite's shape: relevance ÷ (1 + age / 7 days), an unknown age counting as a year,
among the SEARCH_CANDIDATES newest matches (storage.search). Relevance is `ts_rank` with the
weights D 0.1, B 0.4, A 1.0 (bm25's body 1 : summary 4 : title 10), its length normalised
(flag 1: divided by 1 + log of the article's length), of the *any-word* query even when all
words must match: ts_rank then sums each word's weighted occurrences, as bm25 sums its terms.
(Given an all-words query, ts_rank scores how close the words stand instead, over every pair
of their positions: ~20 µs an article for a word that fills half the text, 10 ms a search —
and further from SQLite's answers: on the bench's store, 44 of 143 two- and three-word queries
had SQLite's first result, against 57 ranked this way.) It has no idf: a query of one rare and
one common word weighs both alike where bm25 favours the rare one; the "same top results"
test (tests/subscribers/test_search_engines.py) holds both engines to the same answers where
the margins are clear.

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
# A time in newsdesk's form has a digit at every `0` here and these characters elsewhere. A
# translate() and a compare test that for ~0.3 µs a row; the anchored regex it replaced cost
# ~4.5 µs (500 candidates: 2.2 ms of every search).
_SHAPE = "'0000-00-00T00:00:00.000Z'"


def _days(text: str) -> str:
    """SQL for the days from 2000-01-01 to the time `text` (newsdesk's form), else NULL.

    Read arithmetically from its digits once they are known to be digits (a nested CASE: the
    conditions of one WHEN may be evaluated in any order): the month's first day, plus the
    days, plus the time of day — so a day past the month's end runs into the next month, as
    SQLite's julianday reads it, and no cast can fail. float8 throughout (numeric, which
    extract() returns, cost several µs a row).
    """

    def part(start: int, length: int) -> str:
        return f"substr({text}, {start}, {length})::integer"

    in_range = (
        f"substr({text}, 1, 4) <> '0000' AND {part(6, 2)} BETWEEN 1 AND 12 "
        f"AND {part(9, 2)} BETWEEN 1 AND 31 AND {part(12, 2)} <= 23 "
        f"AND {part(15, 2)} <= 59 AND {part(18, 2)} <= 59"
    )
    days = (
        f"(make_date({part(1, 4)}, {part(6, 2)}, 1) - DATE '2000-01-01') + ({part(9, 2)} - 1) "
        f"+ ({part(12, 2)} * 3600 + {part(15, 2)} * 60 + {part(18, 2)}) / 86400.0::float8 "
        f"+ {part(21, 3)} / 86400000.0::float8"
    )
    return (
        f"CASE WHEN translate({text}, '123456789', '000000000') = {_SHAPE} "
        f"THEN CASE WHEN {in_range} THEN {days} END END"
    )


def ranked_search(
    *, terms: str, any_term: str, candidates: int, listed: str, now: str, limit: str, offset: str
) -> str:
    """The statement for one page of matches, given each parameter's placeholder (`$n`).

    `terms` is a text[] of the reader's words, `any_term` a boolean, `now` an ISO 8601 UTC text;
    `listed` is the condition (on `a`) for what the reader may see. `candidates` is written
    into the text, not bound: see below.

    Three steps, each reading only what it needs: the candidates' ids, relevance inputs and
    visibility from one read of each matching row (`hits`); their scores, sorted, and the page
    cut (`page`: narrow rows, no second lookup of 500 articles); then the full rows of the page's
    ten or so winners. Sorting 500 whole articles to keep eleven had cost more than ranking them.
    """
    # The tsquery is written out where it is used, not taken from a CTE: with the words
    # known when the statement is planned (asyncpg's prepared statements get a custom plan
    # while generic ones cost more), newsdesk_tsquery folds to a constant and the planner reads
    # the words' frequencies: a common word walks the newest ids until it has the candidates
    # (~1 ms), a rare one reads its few matches from the GIN index. Hidden in a CTE, a common
    # word made a bitmap of nearly every article and read them all (0.5 s at 100,000). The
    # candidate cap is a literal for the same reason: bound, PostgreSQL guessed a tenth of it
    # for the generic plan, found that cheaper than the custom ones after five runs and kept it.
    tsquery = f"newsdesk_tsquery(({terms})::text[], ({any_term})::boolean)"
    any_word = f"newsdesk_tsquery(({terms})::text[], true)"  # what ts_rank scores: see above
    # `now` is read once (an uncorrelated subquery is an InitPlan), not per candidate.
    age = f"(SELECT {_days(f'({now})::text')}) - {_days('a.published_at')}"
    score = (
        f"ts_rank({_WEIGHTS}, a.search_vector, {any_word}, 1) "
        f"/ (1.0 + greatest(0.0, coalesce({age}, {_UNKNOWN_AGE_DAYS})) / {_RECENCY_DAYS})"
    )
    return (
        "WITH hits AS (SELECT h.id, h.published_at, h.retracted_at, h.search_vector "
        f"FROM articles h WHERE h.search_vector @@ {tsquery} "
        f"ORDER BY h.id DESC LIMIT {int(candidates)}), "
        f"page AS (SELECT a.id, {score} AS score FROM hits a WHERE {listed} "
        f"ORDER BY score DESC, a.id DESC LIMIT {limit} OFFSET {offset}) "
        f"SELECT {ARTICLE_COLUMNS} FROM page JOIN articles a ON a.id = page.id "
        "ORDER BY page.score DESC, a.id DESC"
    )
