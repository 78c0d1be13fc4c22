"""Relevance for searches of common words, from bounded reads instead of bm25's full scan.

Why this exists: FTS5's `bm25()` learns how many articles hold each term by walking every match
of that term in the whole index (fts5Bm25GetData calls xQueryPhrase once per term), whatever
LIMIT the query has. A word found in most of 100,000 articles costs 8–28 ms that way, so the
query ranking only the newest 500 matches still took 22 ms at p99 for common words.

So each term is first counted up to `SAMPLE` newest matches (bounded). When every term is rare,
the total under `EXACT_BUDGET`, bm25 stays the ranking: its scan is then cheap and the results are
exactly what they were. Otherwise the same BM25 formula is computed here from bounded reads:

- the term's document frequency is estimated from how densely its `SAMPLE` newest matches lie
  (a term in every 3rd article is in a third of the archive), and FTS5's idf is applied to it;
- its frequency in an article is taken from which columns hold it (title 10, summary 4, body 1,
  bm25's weights), read with a column filter over the rowids the candidates span: all of them for
  a rare term (it has few matches), the newest `MARK_WINDOW` rows for a common one. A candidate of
  an all-words query not marked in the title or summary holds the word in its body (weight 1).
  Counts within a column and the length normalisation are left out.
- a term in over half the archive is not read at all when rarer terms rank the query: bm25
  gives it its floor idf (1e-6), so it changes nothing.

The difference to bm25 is small where it matters: a term in over half the archive has bm25's
floor idf (1e-6) either way, so for such words both order by title, then summary, then body.

SQLite only: everything here reads FTS5 internals (rowids, column filters). It speaks the
StoreConn API like the rest of storage; PostgreSQL ranks in storage.search_pg instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from storage.sql import StoreConn

# A term's newest matches counted before deciding; also the sample its frequency is guessed from.
SAMPLE = 1_000
# bm25 ranks a query while the terms' matches add up to at most this many (its scan stays ~1 ms).
EXACT_BUDGET = 2_000
# The rows a common term's columns are read over, from the newest candidate back: wide enough
# for the candidates of common words (their matches lie close together), bounded for a common
# word beside a rare one, whose candidates may span the archive (its idf is low anyway).
MARK_WINDOW = 1_500
# bm25's column weights, as in storage.search: title, summary, body.
COLUMN_WEIGHTS = {"title": 10.0, "summary": 4.0, "body": 1.0}
# FTS5's bm25 constants (k1, and the floor it gives a term in over half the rows).
_K1 = 1.2
_IDF_FLOOR = 1e-6


@dataclass(frozen=True)
class TermCount:
    """How many of a term's newest matches were seen (at most SAMPLE + 1), and their span."""

    seen: int
    oldest_rowid: int
    newest_rowid: int


def quoted(term: str) -> str:
    """A term as an FTS5 string: its words searched as words, never as syntax."""
    return '"' + term.replace('"', '""') + '"'


async def count_terms(conn: StoreConn, terms: Sequence[str]) -> list[TermCount]:
    """Each term's newest SAMPLE + 1 matches counted, in one statement (bounded reads)."""
    part = (
        "SELECT {i}, count(*), coalesce(min(rowid), 0), (SELECT max(rowid) FROM articles_fts) "
        "FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ${match} "
        "ORDER BY rowid DESC LIMIT ${limit})"
    )
    sql = " UNION ALL ".join(
        part.format(i=i, match=2 * i + 1, limit=2 * i + 2) for i in range(len(terms))
    )
    params: list[object] = []
    for term in terms:
        params += [quoted(term), SAMPLE + 1]
    rows = sorted(tuple(row) for row in await conn.fetch(sql, *params))
    return [TermCount(int(r[1]), int(r[2]), int(r[3] or 0)) for r in rows]


def exact_is_cheap(counts: Sequence[TermCount]) -> bool:
    """Whether bm25's own scan of every match stays within EXACT_BUDGET."""
    return all(c.seen <= SAMPLE for c in counts) and sum(c.seen for c in counts) <= EXACT_BUDGET


def idf(count: TermCount) -> float:
    """FTS5's idf for a term, its document frequency estimated from its newest matches.

    The archive's size is taken as its highest rowid (ids are hardly ever deleted); a term seen
    more than SAMPLE times is assumed as dense through the archive as among its newest matches.
    """
    rows = max(count.newest_rowid, 1)
    found = float(count.seen)
    if count.seen > SAMPLE:
        found = rows * count.seen / max(1, count.newest_rowid - count.oldest_rowid + 1)
    value = math.log((rows - found + 0.5) / (found + 0.5))
    return value if value > 0 else _IDF_FLOOR


async def estimated_scores(
    conn: StoreConn,
    query_match: str,
    terms: Sequence[str],
    counts: Sequence[TermCount],
    candidates: int,
    *,
    any_term: bool,
) -> list[tuple[int, float]]:
    """The newest `candidates` matches with a bm25-like score (negative, lower is better)."""
    rows = await conn.fetch(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH $1 ORDER BY rowid DESC LIMIT $2",
        query_match,
        candidates,
    )
    ids = [int(r[0]) for r in rows]
    if not ids:
        return []
    idfs = [idf(count) for count in counts]
    ranked = [i for i, value in enumerate(idfs) if value > _IDF_FLOOR] or list(range(len(terms)))
    # All words matched: one not in the title or summary is in the body, no need to read it.
    columns = list(COLUMN_WEIGHTS)[: 3 if any_term else 2]
    part = (
        "SELECT {i}, {c}, rowid FROM articles_fts "
        "WHERE articles_fts MATCH ${n1} AND rowid BETWEEN ${n2} AND ${n3}"
    )
    parts: list[str] = []
    params: list[object] = []
    for i in ranked:
        oldest = ids[-1] if counts[i].seen <= SAMPLE else max(ids[-1], ids[0] - MARK_WINDOW)
        for c, column in enumerate(columns):
            n = len(params)
            parts.append(part.format(i=i, c=c, n1=n + 1, n2=n + 2, n3=n + 3))
            params += [f"{{{column}}} : {quoted(terms[i])}", oldest, ids[0]]
    weights = list(COLUMN_WEIGHTS.values())
    # Weighted frequency per (article, term): the sum of the weights of the columns holding it.
    found: dict[tuple[int, int], float] = {}
    for i, c, rowid in await conn.fetch(" UNION ALL ".join(parts), *params):
        key = (int(rowid), int(i))
        found[key] = found.get(key, 0.0) + weights[int(c)]
    body = 0.0 if any_term else COLUMN_WEIGHTS["body"]
    scores: list[tuple[int, float]] = []
    for rowid in ids:
        score = 0.0
        for i in ranked:
            freq = found.get((rowid, i), body)
            score += idfs[i] * freq * (_K1 + 1.0) / (freq + _K1)
        scores.append((rowid, -score))
    return scores
