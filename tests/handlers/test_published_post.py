"""⭐ under a post the real publisher made: the button it renders is the one we answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import ArticleDraft, DeliveryState
from storage.deliveries import DeliveryRepository
from tests.support import CHANNEL_ID, wait_until

from .conftest import Bot


@pytest.fixture
def publishing() -> bool:
    """The publisher runs in these tests."""
    return True


async def test_press_under_a_published_post(bot: Bot) -> None:
    draft = ArticleDraft(
        guid="published-1",
        url="https://news.example/published-1",
        title="Published by the publisher",
        category="World",
        summary="Lead.",
        published_at=datetime.now(UTC) - timedelta(minutes=5),
    )
    (stored,) = await bot.app.bot_data.services.articles.store([draft])
    post = await bot.fake.wait_for_call(
        "sendMessage", lambda p: p.get("chat_id") in (CHANNEL_ID, "@example_news")
    )
    button = post.params["reply_markup"]["inline_keyboard"][0][0]
    assert button["callback_data"] == f"fav:{stored.article.id}"

    # The fake answers before the publisher commits "posted": wait for the store, as a reader's
    # press always comes after the post is recorded.
    deliveries = DeliveryRepository(bot.app.bot_data.services.db.store)

    async def posted() -> bool:
        delivery = await deliveries.get(stored.article.id)
        return delivery is not None and delivery.state is DeliveryState.POSTED

    await wait_until(posted, what="the post recorded as posted")
    reader = bot.fake.user(1400)
    message_id = post.result_or_error["message_id"]
    saved = await bot.press(reader, message_id, button["callback_data"])
    assert saved["text"].startswith("Saved to your favorites")
    assert await bot.subscribers.favorites.saved_ids(reader.id) == [stored.article.id]
    removed = await bot.press(reader, message_id, button["callback_data"])
    assert removed["text"] == "Removed from your favorites"
    assert await bot.subscribers.favorites.saved_ids(reader.id) == []
