"""The editors' commands with two channels (English and Arabic) on the real stack."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from bot.domain import DeliveryState
from bot.publishing.service import channel_pause_key
from bot.services import Services
from sandbox.fakeapi import FakeTelegram
from storage.deliveries import DeliveryRepository
from storage.state import StateRepository
from tests.support import ADMIN_ID, CHANNEL_ID, StartAdmin, site_article, wait_until

AR_ID = -1001234567891
# The job is off: each test runs the publisher's passes itself, so nothing races them.
MANUAL = {"enabled": False, "max_posts_per_minute": 600, "retry_backoff_seconds": 0.05}
EN = {"chat": "@example_news", "name": "en"}
AR = {"chat": "@example_news_ar", "name": "ar", "language": "ar", "languages": ["ar", "en"]}


@pytest.fixture
def editions(fake: FakeTelegram) -> Iterator[FakeTelegram]:
    """The fake with the Arabic edition's channel beside the site's English one."""
    fake.add_channel(username="example_news_ar", chat_id=AR_ID, title="Example News عربي")
    yield fake


async def posted_in(services: Services, article_id: int, channel: str) -> bool:
    record = await DeliveryRepository(services.db.store).get(article_id, channel)
    return record is not None and record.state is DeliveryState.POSTED


def posts(fake: FakeTelegram, chat: int) -> list[str]:
    return [m.text or m.caption or "" for m in fake.messages(chat) if not m.deleted]


async def test_pause_and_resume_one_channel_or_all(
    editions: FakeTelegram, admin_bot: StartAdmin
) -> None:
    fake = editions
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot(publishing=MANUAL, channels=[EN, AR]) as bot:
        services = bot.app.bot_data.services
        state = StateRepository(services.db.store)
        answer = bot.shown(await bot.command(editor, "/pause ar"))
        assert "publishing to ar paused" in answer and "/resume ar" in answer
        assert await state.get(channel_pause_key("ar")) is not None
        assert "Already paused" in bot.shown(await bot.command(editor, "/pause AR"))
        first = await site_article(services, 1)
        await services.publisher.run_pass()
        assert len(posts(fake, CHANNEL_ID)) == 1 and posts(fake, AR_ID) == []

        status = bot.shown(await bot.command(editor, "/status"))
        assert "📣 en · running · queue 0 · last post " in status
        assert "📣 ar · ⏸ paused (by Editor at " in status and "queue 1" in status

        assert "to ar resumed" in bot.shown(await bot.command(editor, "/resume ar"))
        assert "not paused" in bot.shown(await bot.command(editor, "/resume ar"))
        # /resume starts a pass at once.
        await wait_until(lambda: posted_in(services, first, "ar"))
        assert len(posts(fake, AR_ID)) == 1

        # Everything paused, then one channel resumed: the other stays paused, on its own key.
        assert "Automatic publishing paused" in bot.shown(await bot.command(editor, "/pause"))
        await site_article(services, 2)
        assert "to en resumed" in bot.shown(await bot.command(editor, "/resume en"))
        assert bot.admin.control.editor_pause is None
        assert await state.get(channel_pause_key("ar")) is not None
        await fake.wait_for(lambda: len(posts(fake, CHANNEL_ID)) == 2, timeout=5)
        await asyncio.sleep(0.5)  # the same pass would have posted to ar by now
        assert len(posts(fake, AR_ID)) == 1
        assert "resumed" in bot.shown(await bot.command(editor, "/resume"))
        assert await state.get(channel_pause_key("ar")) is None
        await fake.wait_for(lambda: len(posts(fake, AR_ID)) == 2, timeout=5)

        unknown = bot.shown(await bot.command(editor, "/pause sport"))
        assert unknown == "There is no channel “sport”. Channels: en, ar."


async def test_arabic_editor_pauses_one_channel_in_arabic(
    editions: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = editions.user(ADMIN_ID, "محرر", language_code="ar")
    async with admin_bot(publishing=MANUAL, channels=[EN, AR]) as bot:
        assert "أُوقف النشر التلقائي في ar" in bot.shown(await bot.command(editor, "/pause ar"))
        status = bot.shown(await bot.command(editor, "/status"))
        assert "⏸ متوقف" in status and "يعمل" in status
        assert "لا توجد قناة" in bot.shown(await bot.command(editor, "/resume xx"))


async def test_post_to_one_channel_then_to_the_rest(
    editions: FakeTelegram, admin_bot: StartAdmin
) -> None:
    fake = editions
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot(publishing=MANUAL, channels=[EN, AR]) as bot:
        services = bot.app.bot_data.services
        article = await site_article(services, 1)
        answer = bot.shown(await bot.command(editor, f"/post {article} ar"))
        assert f"Posted article {article}: https://t.me/example_news_ar/" in answer
        assert posts(fake, CHANNEL_ID) == [] and len(posts(fake, AR_ID)) == 1

        # Without a channel: every channel that takes it and has not posted it yet.
        answer = bot.shown(await bot.command(editor, f"/post {article}"))
        assert "https://t.me/example_news/" in answer and "example_news_ar" not in answer
        assert len(posts(fake, CHANNEL_ID)) == 1 and len(posts(fake, AR_ID)) == 1
        assert "posted already" in bot.shown(await bot.command(editor, f"/post {article}"))
        assert "posted already" in bot.shown(await bot.command(editor, f"/post {article} en"))

        unknown = bot.shown(await bot.command(editor, f"/post {article} @nowhere"))
        assert unknown == "There is no channel “@nowhere”. Channels: en, ar."


async def test_post_tells_the_editor_which_channel_refused(
    editions: FakeTelegram, admin_bot: StartAdmin
) -> None:
    fake = editions
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot(publishing=MANUAL, channels=[EN, AR]) as bot:
        services = bot.app.bot_data.services
        article = await site_article(services, 1)
        fake.kick_from_channel(AR_ID)
        answer = bot.shown(await bot.command(editor, f"/post {article}"))
        assert f"Posted article {article}: https://t.me/example_news/" in answer
        assert "❌ Not posted to ar: " in answer
        assert len(posts(fake, CHANNEL_ID)) == 1 and posts(fake, AR_ID) == []
