"""The subscriber services on a migrated store (`db`, tests/pgstore.py: each engine), without
Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.articles import ArticleService
from bot.config import Settings
from bot.domain import ArticleDraft
from bot.subscribers import SubscriberServices, open_subscriber_services
from storage.articles import to_db_time
from storage.database import Database

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture
async def subscribers(
    db: Database, make_settings: Callable[..., Settings]
) -> AsyncIterator[SubscriberServices]:
    """The subscriber services on `db`, with a fixed clock."""
    services = await open_subscriber_services(db, make_settings(), lambda: NOW)
    yield services
    await services.close()


async def add_article(
    db: Database,
    title: str,
    *,
    posted: bool = True,
    age: timedelta = timedelta(hours=1),
    **fields: object,
) -> int:
    """Store an article (and mark it posted, as the publisher would); return its id."""
    draft = ArticleDraft.model_validate(
        {"guid": f"g-{title}", "title": title, "published_at": NOW - age, **fields}
    )
    (result,) = await ArticleService(db, lambda: NOW).store([draft])
    if posted:
        async with db.write() as conn:
            await conn.execute(
                "INSERT INTO deliveries (article_id, state, updated_at) VALUES ($1, 'posted', $2)",
                result.article.id,
                to_db_time(NOW),
            )
    return result.article.id
