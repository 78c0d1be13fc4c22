"""InsightRepository: each post with its story's saves and its own reactions; the send claims."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.articles import ArticleService
from bot.domain import ArticleDraft
from bot.domain.insight import SendState
from storage.breaking import BreakingPostRepository
from storage.database import Database
from storage.deliveries import DeliveryRepository
from storage.favorites import FavoriteRepository
from storage.insight import InsightRepository
from storage.insight_sends import InsightSendRepository

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    store = await Database.open(tmp_path / "insight.sqlite3")
    try:
        yield store
    finally:
        await store.close()


async def post(db: Database, guid: str, *, channel: str, at: datetime, message_id: int) -> int:
    """Store an article published 10 minutes before `at` and record its post in `channel`."""
    draft = ArticleDraft(
        guid=guid, url=guid, title=f"Story {guid}", category="World",
        published_at=at - timedelta(minutes=10),
    )  # fmt: skip
    [stored] = await ArticleService(db, lambda: at).store([draft])
    article_id = stored.article.id
    async with db.transaction() as conn:
        deliveries = DeliveryRepository(conn)
        await deliveries.ensure(article_id, channel=channel, now=at)
        await deliveries.claim(article_id, channel=channel, now=at)
        await deliveries.mark_posted(
            article_id, channel=channel, chat_id="@news", message_id=message_id,
            has_photo=False, content_hash="h", now=at,
        )  # fmt: skip
    return article_id


async def test_a_post_counts_net_saves_first_hour_saves_and_its_own_reactions(
    db: Database,
) -> None:
    story = await post(db, "https://news.example/1", channel="news", at=NOW, message_id=7)
    async with db.transaction() as conn:
        favorites = FavoriteRepository(conn)
        await favorites.save_pairs([(1, story), (2, story)], now=NOW + timedelta(minutes=5))
        await favorites.toggle_pairs([(2, story)], now=NOW + timedelta(minutes=6))  # removed
        await favorites.save_pairs([(3, story)], now=NOW + timedelta(hours=2))  # later
        await favorites.toggle_pairs([(2, story)], now=NOW + timedelta(hours=3))  # saved again
        insight = InsightRepository(conn)
        assert await insight.record_reactions("news", 7, {"👍": 4, "🔥": 1, "😢": 0}, at=NOW)
    [stats] = [p async for p in InsightRepository(db.conn).posts()]
    assert (stats.saves, stats.saves_first_hour, stats.reactions) == (3, 2, 5)
    assert stats.lag_seconds == 600
    assert stats.score == 8
    reactions = await InsightRepository(db.conn).reactions("news", 7)
    assert reactions is not None and reactions.counts == {"👍": 4, "🔥": 1}


async def test_older_reaction_counts_never_overwrite_newer_ones(db: Database) -> None:
    async with db.transaction() as conn:
        insight = InsightRepository(conn)
        assert await insight.record_reactions("news", 7, {"👍": 9}, at=NOW)
        assert not await insight.record_reactions("news", 7, {"👍": 2}, at=NOW - timedelta(1))
        assert await insight.record_reactions("news", 7, {}, at=NOW + timedelta(seconds=1))
    reactions = await InsightRepository(db.conn).reactions("news", 7)
    assert reactions is not None and reactions.total == 0


async def test_posts_are_read_by_window_and_channel_oldest_first(db: Database) -> None:
    early = await post(db, "https://news.example/a", channel="news", at=NOW, message_id=1)
    late = await post(
        db, "https://news.example/b", channel="ar", at=NOW + timedelta(1), message_id=2
    )
    repo = InsightRepository(db.conn)
    assert [p.article_id async for p in repo.posts()] == [early, late]
    assert [p.article_id async for p in repo.posts(since=NOW + timedelta(hours=1))] == [late]
    assert [p.article_id async for p in repo.posts(until=NOW + timedelta(hours=1))] == [early]
    assert [p.channel async for p in repo.posts(channel="ar")] == ["ar"]
    assert [p.channel for p in await repo.story(late)] == ["ar"]


async def test_a_send_is_claimed_once_and_an_interrupted_one_becomes_uncertain(
    db: Database,
) -> None:
    async with db.transaction() as conn:
        sends = InsightSendRepository(conn)
        assert await sends.claim("digest", "news", "2026-12-03", now=NOW)
        assert not await sends.claim("digest", "news", "2026-12-03", now=NOW)
        assert await sends.claim("digest", "ar", "2026-12-03", now=NOW)
        await sends.finish("digest", "ar", "2026-12-03", SendState.SENT, message_id=5, now=NOW)
        [left] = await sends.interrupted_to_uncertain(now=NOW)
    assert (left.target, left.state) == ("news", SendState.UNCERTAIN)
    sent = await InsightSendRepository(db.conn).get("digest", "ar", "2026-12-03")
    assert sent is not None and (sent.state, sent.message_id) == (SendState.SENT, 5)


async def test_a_retracted_storys_post_is_still_a_post_marked_retracted(db: Database) -> None:
    story = await post(db, "https://news.example/r", channel="news", at=NOW, message_id=9)
    async with db.transaction() as conn:
        assert await BreakingPostRepository(conn).retract(story, reason="wrong", now=NOW)
    [stats] = [p async for p in InsightRepository(db.conn).posts()]
    assert (stats.article_id, stats.message_id, stats.retracted) == (story, 9, True)
