"""SQLite's full-text index: folded alike in SQL and Python, kept in step by triggers.

FTS5 internals, so SQLite only; what both engines share (folding, ranking, the lists) is
tested on both in test_search_engines.py.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import aiosqlite
import pytest

from bot.subscribers import SubscriberServices
from storage.articles import to_db_time
from storage.database import Database
from storage.migrate import migrate
from storage.search import MAX_TERMS, match_expression, search_terms
from storage.search_scores import SAMPLE, count_terms, exact_is_cheap

from .conftest import NOW, add_article


@pytest.mark.sqlite_only  # counts aiosqlite reads / reads SQLite's FTS and bm25
async def test_triggers_follow_rows_the_site_writes(db: Database) -> None:
    async def hits(word: str) -> list[int]:
        rows = await db.store.fetch(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH $1",
            match_expression([word]),
        )
        return [int(r[0]) for r in rows]

    async with db.write() as conn:  # plain SQL, as the site's own systems write
        await conn.execute("INSERT INTO articles (guid, title) VALUES ('s1', 'Harbour reopens')")
    assert await hits("harbour") == [1]
    async with db.write() as conn:
        await conn.execute("UPDATE articles SET title = 'Airport reopens' WHERE id = 1")
    assert await hits("harbour") == [] and await hits("airport") == [1]
    async with db.write() as conn:
        await conn.execute(
            "INSERT OR REPLACE INTO articles (id, guid, title) VALUES (1, 's1', 'Port closes')"
        )
    assert await hits("airport") == [] and await hits("port") == [1]
    async with db.write() as conn:
        await conn.execute("DELETE FROM articles")
    assert await hits("port") == []


async def test_migration_backfills_existing_articles(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await migrate(conn, target=5)
        await conn.execute("INSERT INTO articles (guid, title) VALUES ('old', 'Before search')")
    db = await Database.open(path)
    try:
        rows = await db.store.fetch(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'before'"
        )
        assert [int(r[0]) for r in rows] == [1]
    finally:
        await db.close()


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ('"NEAR" AND (x', ["NEAR", "AND", "x"]),
        ("e-mail -spam *", ["e", "mail", "spam"]),
        ("مُحَمَّد  محمد", ["محمد"]),
        ("", []),
        ("*** --- ((( )))", []),
    ],
)
def test_search_terms_are_words_only(query: str, terms: list[str]) -> None:
    assert search_terms(query) == terms


def test_long_queries_are_capped() -> None:
    terms = search_terms(" ".join(f"w{n}" for n in range(2000)))
    assert len(terms) == MAX_TERMS
    assert match_expression(['say "hi"']) == '"say ""hi"""'


async def test_search_service_ranks_title_and_recent_first(
    db: Database, subscribers: SubscriberServices
) -> None:
    body_hit = await add_article(db, "Markets", body="the harbour is busy")
    old_title = await add_article(db, "Harbour history", age=timedelta(days=200))
    title_hit = await add_article(db, "Harbour strike ends")
    await add_article(db, "Harbour unposted", posted=False)
    result = await subscribers.news.search("harbour")
    assert result is not None
    # A title match outranks a body match; half a year of age outweighs both.
    assert [a.id for a in result.page.items] == [title_hit, body_hit, old_title]
    assert await subscribers.news.search("*") is None


@pytest.mark.sqlite_only  # counts aiosqlite reads / reads SQLite's FTS and bm25
async def test_a_common_word_ranks_without_bm25s_full_scan(
    db: Database, subscribers: SubscriberServices
) -> None:
    # More matches than bm25 may scan: ranked from bounded reads (storage.search_scores).
    bulk = SAMPLE + 100
    async with db.write() as conn:
        await conn.executemany(
            "INSERT INTO articles (id, guid, title, body, published_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            [
                (n, f"bulk-{n}", f"Market report {n}", "the harbour was quiet today",
                 to_db_time(NOW - timedelta(hours=2, minutes=bulk - n)))
                for n in range(1, bulk + 1)
            ],
        )  # fmt: skip
        await conn.executemany(
            "INSERT INTO deliveries (article_id, state, updated_at) VALUES ($1, 'posted', $2)",
            [(n, to_db_time(NOW)) for n in range(1, bulk + 1)],
        )
    title_hit = await add_article(db, "Harbour strike ends", age=timedelta(hours=5))
    summary_hit = await add_article(
        db, "Ferry times", summary="harbour closed", age=timedelta(hours=5)
    )
    await add_article(db, "Harbour unposted", posted=False)
    counts = await count_terms(db.store, ["harbour"])
    assert not exact_is_cheap(counts)
    result = await subscribers.news.search("harbour")
    assert result is not None
    # Title, then summary, then body matches newest first: what bm25 answers for this store.
    newest_body = list(range(bulk, bulk - 8, -1))
    assert [a.id for a in result.page.items] == [title_hit, summary_hit, *newest_body]
    rows = await db.store.fetch(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'harbour' AND rowid <= $1 "
        "ORDER BY bm25(articles_fts, 10.0, 4.0, 1.0), rowid DESC LIMIT 2",
        summary_hit,
    )
    assert [int(r[0]) for r in rows] == [title_hit, summary_hit]
