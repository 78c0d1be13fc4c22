"""Readers' lists with an English and an Arabic edition: each reader's language first, then all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import ArticleDraft
from sandbox.fakeapi import FakeTelegram
from tests.support import CHANNEL, CHANNEL_ID, HandlerErrors, StartBot, record_posted

from .conftest import Bot

AR_ID = -1001234567891
EN = {"chat": CHANNEL, "name": "en"}
AR = {"chat": "@example_news_ar", "name": "ar", "language": "ar", "languages": ["ar", "en"]}
CHATS = {"en": CHANNEL_ID, "ar": AR_ID}


@pytest.fixture
async def bot(start_bot: StartBot, fake: FakeTelegram) -> AsyncIterator[Bot]:
    """The real bot with two editions configured (the publisher off: posts are recorded)."""
    fake.add_channel(username="example_news_ar", chat_id=AR_ID, title="Example News عربي")
    errors = HandlerErrors()
    async with start_bot(errors, publishing={"enabled": False}, channels=[EN, AR]) as app:
        yield Bot(app, fake, app.bot_data.services.settings, errors.errors)
    errors.reraise()


async def posted(
    bot: Bot,
    title: str,
    *channels: str,
    category: str = "World",
    breaking: bool = False,
    age: timedelta = timedelta(hours=1),
) -> int:
    """Store an article and record it posted in `channels`, as the publisher does."""
    bot._guid += 1
    draft = ArticleDraft(
        guid=f"edition-{bot._guid}",
        url=f"https://news.example/a/{bot._guid}",
        title=title,
        category=category,
        published_at=datetime.now(UTC) - age,
        is_breaking=breaking,
    )
    services = bot.app.bot_data.services
    (result,) = await services.articles.store([draft])
    await record_posted(services, result.article.id, {name: CHATS[name] for name in channels})
    return result.article.id


async def test_latest_answers_from_the_readers_edition(bot: Bot) -> None:
    await posted(bot, "Harbour reopens", "en")
    await posted(bot, "إعادة فتح الميناء", "ar")
    await posted(bot, "Summit in both", "en", "ar", age=timedelta(minutes=5))
    english = bot.shown(await bot.send(bot.fake.user(1300, language_code="en"), "/latest"))
    arabic = bot.shown(await bot.send(bot.fake.user(1301, language_code="ar"), "/latest"))
    assert "Harbour reopens" in english and "Summit in both" in english
    assert "إعادة فتح الميناء" not in english
    assert "إعادة فتح الميناء" in arabic and "Summit in both" in arabic
    assert "Harbour reopens" not in arabic


async def test_categories_and_a_category_by_edition(bot: Bot) -> None:
    await posted(bot, "Match report", "en", category="Sports")
    await posted(bot, "Second match", "en", category="Sports")
    await posted(bot, "قمة", "ar", category="سياسة")
    english = await bot.send(bot.fake.user(1310, language_code="en"), "/categories")
    arabic = await bot.send(bot.fake.user(1311, language_code="ar"), "/categories")
    labels = [row[0]["text"] for row in english.params["reply_markup"]["inline_keyboard"]]
    assert labels == ["Sports (2)"]
    labels = [row[0]["text"] for row in arabic.params["reply_markup"]["inline_keyboard"]]
    assert labels == ["سياسة (1)"]
    # A category only the other edition has is still found, and listed from there.
    typed = await bot.send(bot.fake.user(1311, language_code="ar"), "/latest sports")
    assert "Match report" in bot.shown(typed) and "قمة" not in bot.shown(typed)


async def test_search_prefers_the_edition_and_falls_back_to_all(bot: Bot) -> None:
    await posted(bot, "Harbour reopens after storm", "en")
    await posted(bot, "Harbour news in the Arabic edition", "ar")
    english = bot.shown(await bot.send(bot.fake.user(1320, language_code="en"), "/search harbour"))
    assert "Harbour reopens after storm" in english and "Arabic edition" not in english
    arabic = bot.shown(await bot.send(bot.fake.user(1321, language_code="ar"), "/search harbour"))
    assert "Arabic edition" in arabic and "reopens after storm" not in arabic
    # Nothing in the Arabic edition matches "storm": the English edition's story is found.
    storm = bot.shown(await bot.send(bot.fake.user(1321, language_code="ar"), "/search storm"))
    assert "Harbour reopens after storm" in storm


async def test_an_empty_edition_falls_back_to_all(bot: Bot) -> None:
    await posted(bot, "Only English news", "en")
    await posted(bot, "Breaking in English", "en", breaking=True, age=timedelta(minutes=5))
    reader = bot.fake.user(1330, language_code="ar")
    latest = bot.shown(await bot.send(reader, "/latest"))
    assert "Only English news" in latest and "Breaking in English" in latest
    breaking = bot.shown(await bot.send(reader, "/breaking"))
    assert "Breaking in English" in breaking
    categories = await bot.send(reader, "/categories")
    labels = [row[0]["text"] for row in categories.params["reply_markup"]["inline_keyboard"]]
    assert labels == ["World (2)"]


async def test_breaking_from_the_readers_edition(bot: Bot) -> None:
    await posted(bot, "English alert", "en", breaking=True)
    await posted(bot, "عاجل بالعربية", "ar", breaking=True)
    english = bot.shown(await bot.send(bot.fake.user(1340, language_code="en"), "/breaking"))
    arabic = bot.shown(await bot.send(bot.fake.user(1341, language_code="ar"), "/breaking"))
    assert "English alert" in english and "عاجل بالعربية" not in english
    assert "عاجل بالعربية" in arabic and "English alert" not in arabic
