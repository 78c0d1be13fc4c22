"""FavoriteRepository reads: who has an article saved now."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.articles import ArticleService
from bot.domain import ArticleDraft
from storage.database import Database
from storage.deliveries import DeliveryRepository
from storage.favorites import FavoriteRepository

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def draft(guid: str) -> ArticleDraft:
    return ArticleDraft(guid=guid, url=guid, title="A story", category="News", published_at=NOW)


async def test_savers_are_the_users_with_the_article_saved_now(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "f.sqlite3")
    try:
        stored = await ArticleService(db, lambda: NOW).store(
            [draft("https://news.example/1"), draft("https://news.example/2")]
        )
        one, two = (s.article.id for s in stored)
        async with db.transaction() as conn:
            deliveries = DeliveryRepository(conn)
            for article_id in (one, two):  # only what is in the channel can be saved
                await deliveries.ensure(article_id, channel="main", now=NOW)
                await deliveries.claim(article_id, channel="main", now=NOW)
                await deliveries.mark_posted(
                    article_id, channel="main", chat_id="@news", message_id=article_id,
                    has_photo=False, content_hash="h", now=NOW,
                )  # fmt: skip
            repo = FavoriteRepository(conn)
            await repo.save_pairs([(30, one), (10, one), (20, one), (10, two)], now=NOW)
            await repo.toggle_pairs([(20, one)], now=NOW)  # 20 removed it again
        repo = FavoriteRepository(db.conn)
        assert await repo.savers(one) == [10, 30]
        assert await repo.savers(two) == [10]
        assert await repo.savers(two + 1) == []
    finally:
        await db.close()
