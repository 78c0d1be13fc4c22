"""ArticleRepository through ArticleService: insert, update, unchanged, external rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from bot.articles import ArticleService
from bot.domain import ArticleDraft, UpsertOutcome
from storage.articles import ArticleRepository
from storage.database import Database

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


async def test_new_then_unchanged_then_updated(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    clock = iter([NOW, NOW + timedelta(minutes=1), NOW + timedelta(minutes=2)])
    service = ArticleService(db, lambda: next(clock))
    try:
        (first,) = await service.store([draft()])
        assert first.outcome is UpsertOutcome.NEW
        assert first.article.published_at == datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
        (second,) = await service.store([draft()])
        assert second.outcome is UpsertOutcome.UNCHANGED
        (third,) = await service.store([draft(title="Corrected title")])
        assert third.outcome is UpsertOutcome.UPDATED
        assert third.article.id == first.article.id
        assert third.article.updated_at == NOW + timedelta(minutes=2)
        assert third.article.created_at == NOW
        assert await ArticleRepository(db.conn).count() == 1
    finally:
        await db.close()


async def test_row_inserted_by_the_site_is_readable(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "b.sqlite3")
    try:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO articles (guid, title, published_at, category) "
                "VALUES ('site-77', 'From the CMS', '2026-11-27 09:30:00', 'Local')"
            )
        article = await ArticleRepository(db.conn).get_by_guid("site-77")
        assert article is not None
        assert article.published_at == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
        assert article.is_breaking is False
        assert article.category == "Local"
    finally:
        await db.close()


async def test_failed_transaction_stores_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "c.sqlite3")
    try:
        try:
            async with db.transaction() as conn:
                await ArticleRepository(conn).upsert(draft(), now=NOW)
                raise RuntimeError("crash mid-write")
        except RuntimeError:
            pass
        assert await ArticleRepository(db.conn).count() == 0
    finally:
        await db.close()


async def test_times_written_by_the_site_are_normalised(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "d.sqlite3")
    try:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO articles (guid, title, published_at) VALUES "
                "('a', 'Local form', '2026-11-27 09:30:00'), "
                "('b', 'With offset', '2026-11-27T12:30:00+03:00')"
            )
        async with db.conn.execute("SELECT guid, published_at FROM articles ORDER BY guid") as cur:
            rows = await cur.fetchall()
        assert rows == [("a", "2026-11-27T09:30:00.000Z"), ("b", "2026-11-27T09:30:00.000Z")]
        async with db.transaction() as conn:
            await conn.execute(
                "UPDATE articles SET updated_at = '2026-01-01T00:00:00.000Z' WHERE guid = 'a'"
            )
        async with db.transaction() as conn:  # an edit in the CMS that leaves updated_at alone
            await conn.execute("UPDATE articles SET title = 'Edited' WHERE guid = 'a'")
        after = await ArticleRepository(db.conn).get_by_guid("a")
        assert after is not None and after.title == "Edited"
        assert after.updated_at > datetime(2026, 1, 2, tzinfo=UTC)
    finally:
        await db.close()
