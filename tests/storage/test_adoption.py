"""AdoptionRepository on both engines: new articles get their per-channel records, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import ArticleDraft
from bot.domain.deliveries import RoutingFacts
from storage.adoption import BACKLOG_REASON, AdoptionRepository
from storage.articles import ArticleRepository, to_db_time
from storage.database import Database
from storage.delivery_queries import UNROUTED
from storage.sql import StoreConn
from tests.pgstore import TestStore
from tests.storage.concurrent import open_pg, race

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
CUTOFF = NOW - timedelta(days=2)


async def stored(db: Database, guid: str, published: datetime, **changes: object) -> int:
    draft = ArticleDraft(guid=guid, title=guid, published_at=published, language="en")
    async with db.write() as conn:
        result = await ArticleRepository(conn).upsert(draft.model_copy(update=changes), now=NOW)
    return result.article.id


async def records(db: Database) -> list[tuple[object, ...]]:
    rows = await db.store.fetch(
        "SELECT article_id, channel, state, skip_reason, next_attempt_at FROM deliveries "
        "ORDER BY article_id, channel"
    )
    return [tuple(row) for row in rows]


async def test_unadopted_articles_get_their_records_once(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        due = await stored(db, "due", NOW - timedelta(hours=1), category="World")
        old = await stored(db, "old", NOW - timedelta(days=30))
        held = await stored(db, "held", NOW - timedelta(hours=1), hold_reason="an advert")
        later = await stored(db, "later", NOW + timedelta(hours=1), source="wire")
        facts = await AdoptionRepository(db.store).unadopted(now=NOW, cutoff=CUTOFF)
        stamp = to_db_time(NOW + timedelta(hours=1))
        assert facts == [
            RoutingFacts(due, "en", "World", None, None, None),
            RoutingFacts(old, "en", None, None, BACKLOG_REASON, None),
            RoutingFacts(held, "en", None, None, "held: an advert", None),
            RoutingFacts(later, "en", None, "wire", None, stamp),
        ]
        by_id = {fact.article_id: fact for fact in facts}
        async with db.write() as conn:
            adoption = AdoptionRepository(conn)
            await adoption.adopt(by_id[due], ["en", "ar"], "no channel", now=NOW)
            await adoption.adopt(by_id[due], ["en", "ar"], "no channel", now=NOW)  # idempotent
            await adoption.adopt(by_id[old], ["en"], "no channel", now=NOW)
            await adoption.adopt(by_id[held], [], "no channel takes it", now=NOW)
            await adoption.adopt(by_id[later], ["en"], "no channel", now=NOW)
        assert await records(db) == [
            (due, "ar", "pending", None, None),
            (due, "en", "pending", None, None),
            (old, "en", "skipped", BACKLOG_REASON, None),
            (held, UNROUTED, "skipped", "no channel takes it", None),
            (later, "en", "pending", None, stamp),
        ]
        assert await AdoptionRepository(db.store).unadopted(now=NOW, cutoff=CUTOFF) == []

        # After downtime: what waited past the limit is skipped, the future post still waits.
        async with db.write() as conn:
            await AdoptionRepository(conn).skip_overdue(now=NOW, cutoff=NOW)
        assert [row[2:4] for row in await records(db)][:2] == [
            ("skipped", BACKLOG_REASON),
            ("skipped", BACKLOG_REASON),
        ]
        assert (await records(db))[-1][2] == "pending"
    finally:
        await db.close()


async def test_records_from_before_editions_become_the_first_channels(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        plain = await stored(db, "plain", NOW)
        both = await stored(db, "both", NOW)
        stamp = to_db_time(NOW)
        async with db.write() as conn:
            for article_id, channel in [(plain, ""), (both, ""), (both, "en")]:
                await conn.execute(
                    "INSERT INTO deliveries (article_id, channel, state, updated_at) "
                    "VALUES ($1, $2, 'posted', $3)",
                    article_id,
                    channel,
                    stamp,
                )
                await conn.execute(
                    "INSERT INTO breaking_posts (article_id, channel, chat_id, message_id, "
                    "posted_at) VALUES ($1, $2, '-100', $3, $4)",
                    article_id,
                    channel,
                    article_id * 10 + len(channel),
                    stamp,
                )
            await conn.execute(
                "INSERT INTO superseded_posts (article_id, chat_id, message_id) "
                "VALUES ($1, '-100', 7)",
                plain,
            )
            renamed = await AdoptionRepository(conn).adopt_unnamed("en")
        assert renamed == 1  # "both" already had an "en" record: its old one stays as it was
        expected = [(plain, "en"), (both, ""), (both, "en")]
        for table in ("deliveries", "breaking_posts"):
            rows = await db.store.fetch(
                f"SELECT article_id, channel FROM {table} ORDER BY article_id, channel"
            )
            assert [tuple(row) for row in rows] == expected, table
        assert await db.store.fetchval("SELECT channel FROM superseded_posts") == "en"
    finally:
        await db.close()


async def test_two_publishers_adopting_one_article_at_once(pg_database: str) -> None:
    # PostgreSQL only (SQLite has one writer at a time): the second waits on the first's
    # uncommitted record, then leaves it alone and adds only the channel it lacked.
    db = await open_pg(pg_database)
    try:
        article = await stored(db, "due", NOW)
        (facts,) = await AdoptionRepository(db.store).unadopted(now=NOW, cutoff=CUTOFF)

        async def first(conn: StoreConn) -> None:
            await AdoptionRepository(conn).adopt(facts, ["en"], "none", now=NOW)

        async def second(conn: StoreConn) -> None:
            later = NOW + timedelta(seconds=1)
            await AdoptionRepository(conn).adopt(facts, ["en", "ar"], "none", now=later)

        await race(db, first, second)
        assert await records(db) == [
            (article, "ar", "pending", None, None),
            (article, "en", "pending", None, None),
        ]
        updated = await db.store.fetchval("SELECT updated_at FROM deliveries WHERE channel = 'en'")
        assert updated == to_db_time(NOW)  # the first one's record, untouched
    finally:
        await db.close()
