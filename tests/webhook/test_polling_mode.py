"""Polling mode after webhook mode: the bot deletes the webhook before it polls."""

from __future__ import annotations

from telegram import Bot

from sandbox.fakeapi import FakeTelegram
from tests.support import TOKEN, StartBot


async def test_polling_deletes_a_webhook_left_set_then_answers(
    start_bot: StartBot, fake: FakeTelegram
) -> None:
    # A webhook left by an earlier webhook-mode run: getUpdates answers 409 while it is set.
    async with Bot(TOKEN, base_url=fake.base_url) as telegram:
        assert await telegram.set_webhook("http://127.0.0.1:9/telegram", secret_token="old")
    reader = fake.user(810, "Maya", "en")
    fake.send_text(reader, "/start")  # waiting for the bot, wherever it will come from
    async with start_bot():
        await fake.wait_for_call("sendMessage", lambda p: p.get("chat_id") == reader.id)
    asked = [c for c in fake.calls if c.method in ("deleteWebhook", "getUpdates")]
    assert asked[0].method == "deleteWebhook"
    assert asked[0].params.get("drop_pending_updates") is False  # the waiting /start is kept
    assert all(c.ok for c in fake.calls_of("getUpdates"))  # never refused: no 409
