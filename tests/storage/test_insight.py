"""InsightRepository on both engines: each post with its story's saves and its own reactions,
the figures of the reports; InsightSendRepository: the send claims."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.insight import SendState
from storage.articles import to_db_time
from storage.database import Database
from storage.favorites import FavoriteRepository
from storage.insight import InsightRepository
from storage.insight_sends import InsightSendRepository
from storage.users import UserRepository
from tests.storage.posted import post, retract

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


async def test_a_post_counts_net_saves_first_hour_saves_and_its_own_reactions(
    db: Database,
) -> None:
    story = await post(db, "https://news.example/1", channel="news", at=NOW, message_id=7)
    async with db.write() as conn:
        favorites = FavoriteRepository(conn)
        await favorites.save_pairs([(1, story), (2, story)], now=NOW + timedelta(minutes=5))
        await favorites.toggle_pairs([(2, story)], now=NOW + timedelta(minutes=6))  # removed
        await favorites.save_pairs([(3, story)], now=NOW + timedelta(hours=2))  # later
        await favorites.toggle_pairs([(2, story)], now=NOW + timedelta(hours=3))  # saved again
        await favorites.save_pairs([(4, story)], now=NOW + timedelta(minutes=59, seconds=59.999))
        await favorites.save_pairs([(5, story)], now=NOW + timedelta(hours=1))  # the hour is over
        insight = InsightRepository(conn)
        assert await insight.record_reactions("news", 7, {"👍": 4, "🔥": 1, "😢": 0}, at=NOW)
    [stats] = [p async for p in InsightRepository(db.store).posts()]
    assert (stats.saves, stats.saves_first_hour, stats.reactions) == (5, 3, 5)
    assert stats.lag_seconds == 600
    assert not stats.retracted
    reactions = await InsightRepository(db.store).reactions("news", 7)
    assert reactions is not None and reactions.counts == {"👍": 4, "🔥": 1}
    assert await InsightRepository(db.store).reactions("news", 8) is None


async def test_older_reaction_counts_never_overwrite_newer_ones(db: Database) -> None:
    async with db.write() as conn:
        insight = InsightRepository(conn)
        assert await insight.record_reactions("news", 7, {"👍": 9}, at=NOW)
        assert not await insight.record_reactions("news", 7, {"👍": 2}, at=NOW - timedelta(1))
        assert await insight.record_reactions("news", 7, {}, at=NOW + timedelta(seconds=1))
    reactions = await InsightRepository(db.store).reactions("news", 7)
    assert reactions is not None and reactions.total == 0


async def test_posts_are_read_by_window_and_channel_oldest_first(db: Database) -> None:
    early = await post(db, "https://news.example/a", channel="news", at=NOW, message_id=1)
    late = await post(
        db, "https://news.example/b", channel="ar", at=NOW + timedelta(1), message_id=2
    )
    repo = InsightRepository(db.store)
    assert [p.article_id async for p in repo.posts()] == [early, late]
    assert [p.article_id async for p in repo.posts(since=NOW + timedelta(hours=1))] == [late]
    assert [p.article_id async for p in repo.posts(until=NOW + timedelta(hours=1))] == [early]
    assert [p.channel async for p in repo.posts(channel="ar")] == ["ar"]
    assert [p.channel async for p in repo.posts(since=NOW, until=NOW, channel="ar")] == []
    assert [p.channel for p in await repo.story(late)] == ["ar"]


async def test_a_reader_may_stop_reading_posts_early(db: Database) -> None:
    for n in range(3):
        await post(db, f"https://news.example/{n}", at=NOW + timedelta(minutes=n), message_id=n)
    posts = InsightRepository(db.store).posts()
    first = await anext(posts)
    await posts.aclose()  # the cursor (and on PostgreSQL its pooled connection) is given back
    assert first.message_id == 0
    assert len([p async for p in InsightRepository(db.store).posts()]) == 3


async def test_a_send_is_claimed_once_and_an_interrupted_one_becomes_uncertain(
    db: Database,
) -> None:
    async with db.write() as conn:
        sends = InsightSendRepository(conn)
        assert await sends.claim("digest", "news", "2026-12-03", now=NOW)
        assert not await sends.claim("digest", "news", "2026-12-03", now=NOW)
        assert await sends.claim("digest", "ar", "2026-12-03", now=NOW)
        await sends.finish("digest", "ar", "2026-12-03", SendState.SENT, message_id=5, now=NOW)
        [left] = await sends.interrupted_to_uncertain(now=NOW)
    assert (left.target, left.state) == ("news", SendState.UNCERTAIN)
    sent = await InsightSendRepository(db.store).get("digest", "ar", "2026-12-03")
    assert sent is not None and (sent.state, sent.message_id) == (SendState.SENT, 5)
    assert await InsightSendRepository(db.store).get("weekly", "ar", "2026-12-03") is None


async def test_a_retracted_storys_post_is_still_a_post_marked_retracted(db: Database) -> None:
    story = await post(db, "https://news.example/r", channel="news", at=NOW, message_id=9)
    await retract(db, story, at=NOW)
    [stats] = [p async for p in InsightRepository(db.store).posts()]
    assert (stats.article_id, stats.message_id, stats.retracted) == (story, 9, True)


async def test_popular_stories_are_the_most_saved_in_the_editions_asked(db: Database) -> None:
    news = await post(db, "https://news.example/n", channel="news", at=NOW, message_id=1)
    arabic = await post(db, "https://news.example/a", channel="ar", at=NOW, message_id=2)
    old = await post(db, "https://news.example/o", at=NOW - timedelta(days=2), message_id=3)
    unsaved = await post(db, "https://news.example/u", at=NOW, message_id=4)
    gone = await post(db, "https://news.example/g", at=NOW, message_id=5)
    async with db.write() as conn:
        favorites = FavoriteRepository(conn)
        await favorites.save_pairs([(u, news) for u in (1, 2)], now=NOW)
        await favorites.save_pairs(
            [(u, a) for u in (1, 2, 3) for a in (arabic, old, gone)], now=NOW
        )
    await retract(db, gone, at=NOW)
    repo = InsightRepository(db.store)
    since = NOW - timedelta(days=1)
    popular = await repo.popular(since, limit=5)
    assert [(article.id, saves) for article, saves in popular] == [(arabic, 3), (news, 2)]
    assert unsaved not in [article.id for article, _ in popular]
    only_news = await repo.popular(since, limit=5, editions=["news", "sport"])
    assert [(article.id, saves) for article, saves in only_news] == [(news, 2)]
    assert [a.id for a, _ in await repo.popular(since, limit=1)] == [arabic]
    assert await repo.popular(NOW + timedelta(days=1), limit=5) == []


async def test_popular_counts_a_story_once_and_puts_the_newest_first_among_equals(
    db: Database,
) -> None:
    first = await post(db, "https://news.example/1", at=NOW - timedelta(hours=1), message_id=1)
    second = await post(db, "https://news.example/2", at=NOW - timedelta(hours=1), message_id=2)
    newest = await post(db, "https://news.example/n", at=NOW - timedelta(minutes=30), message_id=3)
    twice = await post(db, "https://news.example/t", at=NOW - timedelta(hours=3), message_id=4)
    async with db.write() as conn:
        await conn.execute(  # the same story posted in a second channel too
            "INSERT INTO deliveries (article_id, channel, state, chat_id, message_id, posted_at, "
            "content_hash, updated_at) VALUES ($1, 'ar', 'posted', '@ar', 5, $2, 'h', $2)",
            twice,
            to_db_time(NOW - timedelta(hours=2)),
        )
        favorites = FavoriteRepository(conn)
        stories = (twice, first, second, newest)
        await favorites.save_pairs([(u, a) for u in (1, 2) for a in stories], now=NOW)
        await favorites.save_pairs([(3, newest)], now=NOW)
        await favorites.toggle_pairs([(3, newest)], now=NOW)  # removed again: not counted
    popular = await InsightRepository(db.store).popular(NOW - timedelta(days=1), limit=5)
    # Two saves each: the latest published first (not the latest stored: `twice`), the
    # higher id first among the same time.
    assert [(a.id, saves) for a, saves in popular] == [
        (newest, 2),
        (second, 2),
        (first, 2),
        (twice, 2),
    ]


async def test_the_weeks_figures(db: Database) -> None:
    story = await post(db, "https://news.example/w", at=NOW, message_id=1)
    failed = await post(db, "https://news.example/f", at=NOW, message_id=2)
    async with db.write() as conn:
        await FavoriteRepository(conn).save_pairs([(1, story), (2, story)], now=NOW)
        await FavoriteRepository(conn).save_pairs([(3, story)], now=NOW + timedelta(seconds=90))
        users = UserRepository(conn)
        await users.set_alerts(1, True, now=NOW)
        await users.set_language(2, "ar", now=NOW - timedelta(days=30))  # started long ago
        alert_id = await conn.fetchval(
            "INSERT INTO alerts (article_id, created_at) VALUES ($1, $2) RETURNING id",
            story,
            "2026-12-03T12:00:00.000Z",
        )
        await conn.execute(
            "INSERT INTO alert_recipients (alert_id, user_id, state) "
            "VALUES ($1, 1, 'sent'), ($1, 2, 'blocked'), ($1, 3, 'sent')",
            alert_id,
        )
        await conn.execute(
            "UPDATE deliveries SET state = 'failed', updated_at = $1 WHERE article_id = $2",
            "2026-12-03T13:00:00.000Z",
            failed,
        )
    repo = InsightRepository(db.store)
    week = (NOW - timedelta(days=3), NOW + timedelta(days=3))
    assert await repo.first_saves_by_minute(*week) == {
        "2026-12-03T12:00": 2,
        "2026-12-03T12:01": 1,
    }
    assert await repo.readers_started(*week) == 1
    assert await repo.alert_opt_ins() == 1
    assert await repo.troubled_sends(*week) == {"failed": 1}
    assert await repo.alert_recipients(story) == {"sent": 2, "blocked": 1}
    assert await repo.title_of(story) == "Story https://news.example/w"
    assert await repo.title_of(story + 100) is None
