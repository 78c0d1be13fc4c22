"""/breaking with two channels (English + Arabic): the ✅/⬜ toggles, and Publish posts only to
the channels chosen — on the real stack."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.domain import DeliveryState
from sandbox.fakeapi import FakeTelegram
from storage.audit import AuditRepository
from storage.deliveries import DeliveryRepository
from tests.support import ADMIN_ID, CHANNEL_ID, Running, StartAdmin

AR_ID = -1001234567891
MANUAL = {"enabled": False, "max_posts_per_minute": 600, "retry_backoff_seconds": 0.05}
EN = {"chat": "@example_news", "name": "en"}
AR = {"chat": "@example_news_ar", "name": "ar", "language": "ar", "languages": ["ar", "en"]}


@pytest.fixture
def editions(fake: FakeTelegram) -> Iterator[FakeTelegram]:
    """The fake with the Arabic edition's channel beside the site's English one."""
    fake.add_channel(username="example_news_ar", chat_id=AR_ID, title="Example News عربي")
    yield fake


def keyboard(bot: Running, preview: Any) -> list[list[dict[str, str]]]:
    """The preview's buttons as they are now (a toggle edits them in place)."""
    stored = bot.fake.message(preview.params["chat_id"], preview.result_or_error["message_id"])
    assert stored is not None and stored.reply_markup is not None
    return stored.reply_markup["inline_keyboard"]  # type: ignore[no-any-return]


def toggles(bot: Running, preview: Any) -> list[str]:
    return [
        b["text"]
        for row in keyboard(bot, preview)
        for b in row
        if b["callback_data"].startswith("brc:")
    ]


def data(bot: Running, preview: Any, label: str) -> str:
    return next(
        b["callback_data"] for row in keyboard(bot, preview) for b in row if label in b["text"]
    )


async def toggle(bot: Running, user: Any, preview: Any, channel: str) -> dict[str, Any]:
    """Press a channel's toggle; return the toast (a toggle sends no message)."""
    chat, message = preview.params["chat_id"], preview.result_or_error["message_id"]
    query = bot.fake.press_button(user, chat, message, data(bot, preview, f" {channel}"))
    return await bot.fake.wait_for(lambda: bot.fake.callback_answers(query), 5)


async def test_default_choice_follows_the_texts_script(
    editions: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = editions.user(ADMIN_ID, "Editor")
    async with admin_bot(publishing=MANUAL, channels=[EN, AR]) as bot:
        english = await bot.command(editor, "/breaking Earthquake hits the coast")
        assert toggles(bot, english) == ["✅ en", "⬜ ar"]
        arabic = await bot.command(editor, "/breaking زلزال يضرب الساحل")
        assert toggles(bot, arabic) == ["⬜ en", "✅ ar"]
        # Publish and Cancel still close the keyboard, below the toggles.
        assert keyboard(bot, arabic)[-1][0]["callback_data"].startswith("brk:pub:")


async def test_toggles_choose_where_publish_posts(
    editions: FakeTelegram, admin_bot: StartAdmin
) -> None:
    fake = editions
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot(publishing=MANUAL, channels=[EN, AR]) as bot:
        services = bot.app.bot_data.services
        preview = await bot.command(editor, "/breaking Earthquake hits the coast")
        answer = await toggle(bot, editor, preview, "ar")
        assert answer.get("text") == "Goes to: en, ar"
        await fake.wait_for(lambda: toggles(bot, preview) == ["✅ en", "✅ ar"], 5)
        await toggle(bot, editor, preview, "en")
        await fake.wait_for(lambda: toggles(bot, preview) == ["⬜ en", "✅ ar"], 5)
        answer = await toggle(bot, editor, preview, "ar")
        assert answer.get("text") == "Goes to: no channel yet"
        await fake.wait_for(lambda: toggles(bot, preview) == ["⬜ en", "⬜ ar"], 5)

        refused = await bot.press(editor, preview, data(bot, preview, "Publish"))
        assert bot.shown(refused) == "Choose at least one channel (✅) before Publish."
        assert fake.messages(CHANNEL_ID) == [] and fake.messages(AR_ID) == []

        # A reader's forged press changes nothing.
        reader = fake.user(777, "Reader")
        forged = await toggle(bot, reader, preview, "en")
        assert forged.get("text") == "This command is for the editors."
        assert toggles(bot, preview) == ["⬜ en", "⬜ ar"]

        await toggle(bot, editor, preview, "ar")
        await fake.wait_for(lambda: toggles(bot, preview) == ["⬜ en", "✅ ar"], 5)
        done = await bot.press(editor, preview, data(bot, preview, "Publish"))
        assert "https://t.me/example_news_ar/" in bot.shown(done)
        assert "https://t.me/example_news/" not in bot.shown(done)
        assert len(fake.messages(AR_ID)) == 1 and fake.messages(CHANNEL_ID) == []

        # The left-out channel never gets it later as a routine post.
        await services.publisher.run_pass()
        assert fake.messages(CHANNEL_ID) == []
        records = await DeliveryRepository(services.db.store).all_for(1)
        by_channel = {r.channel: r for r in records}
        assert by_channel["ar"].state is DeliveryState.POSTED
        assert by_channel["en"].state is DeliveryState.SKIPPED
        assert "left out" in (by_channel["en"].skip_reason or "")

        audit = await AuditRepository(services.db.store).latest(20)
        presses = [e.result for e in audit if e.action == "breaking channel"]
        assert presses[::-1] == ["ar chosen", "en left out", "ar left out", "ar chosen"]


async def test_one_channel_has_no_toggles(fake: FakeTelegram, admin_bot: StartAdmin) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        preview = await bot.command(editor, "/breaking Earthquake hits the coast")
        assert toggles(bot, preview) == []
        assert [b["text"] for b in keyboard(bot, preview)[-1]] == ["✅ Publish", "✖️ Cancel"]
