"""ArticleRepository on both engines: insert, update, unchanged, the site's rows, two ingesters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.articles import ArticleService
from bot.domain import ArticleDraft, UpsertOutcome, UpsertResult
from storage.articles import ArticleRepository
from storage.database import Database
from storage.sql import StoreConn
from tests.pgstore import TestStore
from tests.storage.concurrent import open_pg, race

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def draft(**changes: object) -> ArticleDraft:
    base = ArticleDraft(
        guid="https://news.example/a/1",
        url="https://news.example/a/1",
        title="Russia, North Korea Strengthen Ties",
        category="International News",
        byline="Staff, Agencies",
        published_at=datetime(2026, 11, 27, 14, 0, tzinfo=timezone(timedelta(hours=2))),
        summary="Lead.",
        body="Body.",
    )
    return base.model_copy(update=changes)


async def upsert(db: Database, item: ArticleDraft, now: datetime, **kw: bool) -> UpsertResult:
    async with db.write() as conn:
        return await ArticleRepository(conn).upsert(item, now=now, **kw)


async def test_new_then_unchanged_then_updated(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        first = await upsert(db, draft(), NOW)
        assert first.outcome is UpsertOutcome.NEW
        assert first.article.published_at == datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
        second = await upsert(db, draft(), NOW + timedelta(minutes=1))
        assert second.outcome is UpsertOutcome.UNCHANGED
        assert second.article == first.article
        third = await upsert(db, draft(title="Corrected title"), NOW + timedelta(minutes=2))
        assert third.outcome is UpsertOutcome.UPDATED
        assert third.article.id == first.article.id
        assert third.article.title == "Corrected title"
        assert third.article.updated_at == NOW + timedelta(minutes=2)
        assert third.article.created_at == NOW
        repo = ArticleRepository(db.store)
        assert await repo.count() == 1
        assert await repo.get(first.article.id) == third.article
        assert await repo.get_by_guid("https://news.example/a/1") == third.article
        assert await repo.get(first.article.id + 1) is None
        assert await repo.get_by_guid("never stored") is None
    finally:
        await db.close()


async def test_an_undated_input_keeps_the_stored_time(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        first = await upsert(db, draft(is_breaking=True, date_only=True), NOW)
        assert first.article.is_breaking and first.article.date_only
        later = draft(published_at=NOW + timedelta(hours=5), is_breaking=True)
        kept = await upsert(db, later, NOW + timedelta(hours=5), keep_published=True)
        assert kept.outcome is UpsertOutcome.UNCHANGED
        assert kept.article.published_at == first.article.published_at
        assert kept.article.date_only is True
    finally:
        await db.close()


async def test_the_service_stores_through_the_raw_sqlite_connection(tmp_path: Path) -> None:
    # TRANSITION: ArticleService still hands the repository `db.write()`'s connection.
    db = await Database.open(tmp_path / "a.sqlite3")
    clock = iter([NOW, NOW + timedelta(minutes=1)])
    service = ArticleService(db, lambda: next(clock))
    try:
        (first,) = await service.store([draft()])
        (second,) = await service.store([draft(title="Corrected title")])
        assert (first.outcome, second.outcome) == (UpsertOutcome.NEW, UpsertOutcome.UPDATED)
        assert await service.get(first.article.id) == second.article
    finally:
        await db.close()


async def test_row_inserted_by_the_site_is_readable(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:
            await conn.execute(
                "INSERT INTO articles (guid, title, published_at, category) "
                "VALUES ('site-77', 'From the CMS', '2026-11-27 09:30:00', 'Local')"
            )
        article = await ArticleRepository(db.store).get_by_guid("site-77")
        assert article is not None
        assert article.published_at == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
        assert article.is_breaking is False
        assert article.category == "Local"
    finally:
        await db.close()


async def test_failed_transaction_stores_nothing(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        with pytest.raises(RuntimeError):
            async with db.write() as conn:
                await ArticleRepository(conn).upsert(draft(), now=NOW)
                raise RuntimeError("crash mid-write")
        assert await ArticleRepository(db.store).count() == 0
    finally:
        await db.close()


async def test_times_written_by_the_site_are_normalised(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:
            await conn.execute(
                "INSERT INTO articles (guid, title, published_at) VALUES "
                "('a', 'Local form', '2026-11-27 09:30:00'), "
                "('b', 'With offset', '2026-11-27T12:30:00+03:00')"
            )
        rows = await db.store.fetch("SELECT guid, published_at FROM articles ORDER BY guid")
        assert [tuple(row) for row in rows] == [
            ("a", "2026-11-27T09:30:00.000Z"),
            ("b", "2026-11-27T09:30:00.000Z"),
        ]
        async with db.write() as conn:
            await conn.execute(
                "UPDATE articles SET updated_at = '2026-01-01T00:00:00.000Z' WHERE guid = 'a'"
            )
        async with db.write() as conn:  # an edit in the CMS that leaves updated_at alone
            await conn.execute("UPDATE articles SET title = 'Edited' WHERE guid = 'a'")
        after = await ArticleRepository(db.store).get_by_guid("a")
        assert after is not None and after.title == "Edited"
        assert after.updated_at > datetime(2026, 1, 2, tzinfo=UTC)
    finally:
        await db.close()


@pytest.mark.parametrize("title", ["Russia, North Korea Strengthen Ties", "Corrected title"])
async def test_two_ingesters_storing_one_story_at_once_store_it_once(
    pg_database: str, title: str
) -> None:
    # PostgreSQL only: SQLite has one writer at a time (BEGIN IMMEDIATE). The second process
    # looks (nothing committed yet), inserts, and waits on the first one's uncommitted row;
    # once that commits, the story is the one stored: no unique violation, one article.
    db = await open_pg(pg_database)
    try:

        async def first(conn: StoreConn) -> UpsertResult:
            return await ArticleRepository(conn).upsert(draft(), now=NOW)

        async def second(conn: StoreConn) -> UpsertResult:
            later = NOW + timedelta(seconds=1)
            return await ArticleRepository(conn).upsert(draft(title=title), now=later)

        one, two = await race(db, first, second)
        assert one.outcome is UpsertOutcome.NEW
        changed = title != draft().title
        assert two.outcome is (UpsertOutcome.UPDATED if changed else UpsertOutcome.UNCHANGED)
        assert two.article.id == one.article.id
        assert two.article.title == title
        assert await ArticleRepository(db.store).count() == 1
    finally:
        await db.close()
