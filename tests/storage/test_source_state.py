"""SourceStateRepository on both engines: feed bookkeeping, and storing a fetch's new stories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import ArticleDraft, KnownArticle, SourceState
from storage.articles import ArticleRepository
from storage.database import Database
from storage.sources import SourceStateRepository
from storage.sql import StoreConn
from tests.pgstore import TestStore
from tests.storage.concurrent import open_pg, race

NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


def story(guid: str, *, source: str = "wire", **changes: object) -> ArticleDraft:
    return ArticleDraft(
        guid=guid,
        url=f"https://news.example/{guid}",
        title=f"Story {guid}",
        published_at=NOW - timedelta(hours=1),
        source=source,
    ).model_copy(update=changes)


async def test_a_sources_state_is_saved_replaced_and_read_back(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        failing = SourceState(
            name="wire",
            etag='W/"abc"',
            last_modified="Tue, 01 Dec 2026 04:00:00 GMT",
            content_sha256="0" * 64,
            entry_count=30,
            last_fetch_at=NOW,
            last_success_at=NOW - timedelta(hours=2),
            failing_since=NOW - timedelta(hours=1),
            consecutive_failures=3,
            next_attempt_at=NOW + timedelta(minutes=8),
            last_error="HTTP 503",
            first_fetch_done=True,
            alerted=True,
        )
        async with db.write() as conn:
            await SourceStateRepository(conn).save(SourceState(name="agency"))
            await SourceStateRepository(conn).save(failing)
        states = SourceStateRepository(db.store)
        assert await states.get("wire") == failing
        assert await states.get("never fetched") is None
        recovered = SourceState(name="wire", entry_count=31, last_success_at=NOW)
        async with db.write() as conn:
            await SourceStateRepository(conn).save(recovered)
        assert await states.all() == [SourceState(name="agency"), recovered]
    finally:
        await db.close()


async def test_new_stories_are_stored_at_once_and_known_by_guid(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        fresh = [
            story("a"),
            story("b", is_breaking=True, date_only=True, hold_reason="no date of its own"),
            story("ب", source="وكالة"),
        ]
        async with db.write() as conn:
            ids = await SourceStateRepository(conn).insert_new(fresh, now=NOW)
            assert await SourceStateRepository(conn).insert_new([], now=NOW) == {}
        assert sorted(ids) == ["a", "b", "ب"]
        b = await ArticleRepository(db.store).get(ids["b"])
        assert b is not None
        assert (b.is_breaking, b.date_only, b.hold_reason) == (True, True, "no date of its own")
        assert b.created_at == b.updated_at == NOW
        known = await SourceStateRepository(db.store).known_articles(["ب", "a", "z", "a"])
        assert known == {
            "a": KnownArticle(ids["a"], "wire", NOW - timedelta(hours=1)),
            "ب": KnownArticle(ids["ب"], "وكالة", NOW - timedelta(hours=1)),
        }
        assert await SourceStateRepository(db.store).known_articles([]) == {}
        many = [f"g{n}" for n in range(1200)] + ["b"]  # one parameter, whatever the number
        assert list(await SourceStateRepository(db.store).known_articles(many)) == ["b"]
    finally:
        await db.close()


async def test_a_story_stored_meanwhile_is_skipped_and_its_id_returned(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:
            first = await ArticleRepository(conn).upsert(story("a", source="other"), now=NOW)
        later = NOW + timedelta(minutes=5)
        async with db.write() as conn:
            ids = await SourceStateRepository(conn).insert_new([story("a"), story("b")], now=later)
        assert ids["a"] == first.article.id
        kept = await ArticleRepository(db.store).get(first.article.id)
        assert kept == first.article  # the stored row is left alone
        assert await ArticleRepository(db.store).count() == 2
    finally:
        await db.close()


async def test_two_fetchers_storing_one_story_at_once_store_it_once(pg_database: str) -> None:
    # PostgreSQL only (SQLite has one writer at a time). Both fetches found "b" unknown; the
    # second inserts while the first has not committed, waits for it, then skips "b".
    db = await open_pg(pg_database)
    try:

        async def first(conn: StoreConn) -> dict[str, int]:
            return await SourceStateRepository(conn).insert_new([story("a"), story("b")], now=NOW)

        async def second(conn: StoreConn) -> dict[str, int]:
            states = SourceStateRepository(conn)
            assert await states.known_articles(["b", "c"]) == {}  # not committed yet
            return await states.insert_new([story("b"), story("c")], now=NOW)

        one, two = await race(db, first, second)
        assert two["b"] == one["b"]
        assert await ArticleRepository(db.store).count() == 3
    finally:
        await db.close()
