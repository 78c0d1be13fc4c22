"""The real bot in webhook mode, fed by the fake Bot API's deliveries and by hand-made POSTs.

What a reader sees (answers, toasts, saved stories) and what the store holds, on both engines.
"""

from __future__ import annotations

import asyncio
import json
import socket

import pytest

from bot.serving import ALLOWED_UPDATES
from bot.webhook import server as webhook_server
from bot.webhook.server import MAX_BODY_BYTES, WebhookBindError
from sandbox.fakeapi import FakeTelegram, FakeUser
from storage.sql import Sql
from tests.support import CHANNEL_ID, StartBot, wait_until
from tests.webhook.conftest import SECRET, HookBot, free_port, message_update, webhook_section

_TAKEN = Sql(
    sqlite="SELECT count(*) FROM webhook_updates WHERE update_id = $1",
    postgres="SELECT count(*) FROM webhook_updates WHERE update_id = $1",
)


async def taken(bot: HookBot, update_id: int) -> int:
    """How many rows record `update_id` as taken in."""
    return int(await bot.app.bot_data.services.db.store.fetchval(_TAKEN, update_id))


async def introduce(fake: FakeTelegram, reader: FakeUser) -> None:
    """The reader writes first (the fake, like Telegram, lets a bot answer only then)."""
    fake.send_text(reader, "hello")
    await fake.wait_for_call("sendMessage", lambda p: p.get("chat_id") == reader.id)


def replies_to(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [
        str(c.params.get("text"))
        for c in fake.calls_of("sendMessage")
        if c.params.get("chat_id") == chat_id
    ]


async def test_start_is_answered_through_the_webhook(hook_bot: HookBot) -> None:
    fake = hook_bot.fake
    (set_call,) = fake.calls_of("setWebhook")
    assert set_call.params["url"] == f"http://127.0.0.1:{hook_bot.port}/telegram"
    assert set_call.params["secret_token"] == SECRET
    assert set_call.params["max_connections"] == 40
    assert sorted(set_call.params["allowed_updates"]) == sorted(ALLOWED_UPDATES)

    reader = fake.user(801, "Lina", "en")
    fake.send_text(reader, "/start")
    await fake.wait_for_call("sendMessage", lambda p: p.get("chat_id") == reader.id)
    await wait_until(lambda: fake.pending_update_count == 0, what="the update confirmed")
    assert fake.calls_of("getUpdates") == []  # nothing polled
    assert fake.calls_of("deleteWebhook") == []
    status, text = await hook_bot.get("/readyz")
    assert (status, text) == (200, "ready\n")
    status, text = await hook_bot.get("/metrics")
    assert status == 200 and "newsdesk_updates" in text


async def test_star_press_is_answered_and_saved(hook_bot: HookBot) -> None:
    fake = hook_bot.fake
    article = await hook_bot.article("Ceasefire talks resume")
    post = await hook_bot.channel_post(article)
    reader = fake.user(802, "Rana", "en")
    query = fake.press_button(reader, CHANNEL_ID, post, f"fav:{article}")
    answer = await fake.wait_for(lambda: fake.callback_answers(query))
    assert answer["text"].startswith("Saved to your favorites")
    assert await wait_until(lambda: hook_bot.saved(reader.id)) == [article]


async def test_wrong_or_missing_secret_is_refused_and_nothing_is_processed(
    hook_bot: HookBot,
) -> None:
    fake = hook_bot.fake
    reader = fake.user(803, "Omar", "en")
    await introduce(fake, reader)
    forged = message_update(900_001, reader, "/help")
    assert (await hook_bot.post(forged, secret="wrong"))[0] == 401
    assert (await hook_bot.post(forged, secret=SECRET + "x"))[0] == 401
    assert (await hook_bot.post(forged, secret=None))[0] == 401
    assert await taken(hook_bot, 900_001) == 0  # not recorded, so never handed on

    # The same update with the right secret is then taken in and answered, once.
    assert (await hook_bot.post(forged))[0] == 200
    await wait_until(lambda: len(replies_to(fake, reader.id)) == 2, what="the /help answer")
    assert await taken(hook_bot, 900_001) == 1


async def test_oversized_body_is_413_and_garbage_is_400(hook_bot: HookBot) -> None:
    reader = hook_bot.fake.user(804)
    big = message_update(900_010, reader, "x" * (MAX_BODY_BYTES + 1))
    assert (await hook_bot.post(big))[0] == 413
    assert (await hook_bot.post(big, chunked=True))[0] == 413
    assert await taken(hook_bot, 900_010) == 0
    for body in (
        b"not json",
        b"\xff\xfe",
        b"[1, 2]",
        b'{"message": {}}',
        b'{"update_id": "7"}',
        b'{"update_id": true}',
        b"",
    ):
        status, _ = await hook_bot.post(body)
        assert status == 400, body
    status, text = await hook_bot.get("/readyz")
    assert status == 200, text  # still serving


async def test_an_update_delivered_twice_is_processed_once(
    start_bot: StartBot, fake: FakeTelegram
) -> None:
    port = free_port()
    bot: HookBot | None = None
    async with start_bot(webhook=webhook_section(port)) as app:
        bot = HookBot(app, fake, port)
        await bot.ready()
        reader = fake.user(805, "Nour", "en")
        await introduce(fake, reader)
        start = message_update(900_020, reader, "/start")
        # The one that took it answers 200; the other 200 too if a later batch found the id
        # taken by this worker, or 503 if both came in one batch (Telegram asks again later).
        statuses = await asyncio.gather(bot.post(start), bot.post(start))
        assert 200 in {s for s, _ in statuses} <= {200, 503}
        assert (await bot.post(start))[0] == 200  # a retry: this worker handed it on already

        # A ⭐ press toggles: handled twice, it would save and then remove again.
        article = await bot.article("Budget passes")
        press = {
            "update_id": 900_021,
            "callback_query": {
                "id": "hand-made-query-1",
                "from": reader.to_api(),
                "chat_instance": "1",
                "data": f"fav:{article}",
            },
        }
        statuses = await asyncio.gather(*(bot.post(press) for _ in range(3)))
        assert 200 in {s for s, _ in statuses} <= {200, 503}
        await wait_until(lambda: len(replies_to(fake, reader.id)) == 2, what="the answer")
    # Stopped: every update handed on has been handled (the queue is joined, presses drained).
    assert len(replies_to(fake, reader.id)) == 2  # "hello", then /start once
    # The toast goes once: as a call to the fake, or carried in one of the three replies (these
    # hand-made POSTs bypass the fake, so a carried answer reaches only the test).
    answers = [
        c
        for c in fake.calls_of("answerCallbackQuery")
        if c.params.get("callback_query_id") == "hand-made-query-1"
    ]
    carried = [json.loads(body) for status, body in statuses if status == 200 and body]
    assert all(
        c["method"] == "answerCallbackQuery" and c["callback_query_id"] == "hand-made-query-1"
        for c in carried
    )
    assert len(answers) + len(carried) == 1
    assert bot is not None
    async with start_bot() as again:  # the store holds the one save (polling mode now)
        assert await again.bot_data.services.subscribers.favorites.saved_ids(reader.id) == [
            article
        ]


async def test_a_port_in_use_stops_the_start_naming_it(
    start_bot: StartBot, fake: FakeTelegram
) -> None:
    with socket.socket() as taken_port:
        taken_port.bind(("127.0.0.1", 0))
        taken_port.listen()
        port = int(taken_port.getsockname()[1])
        with pytest.raises(WebhookBindError, match=rf"127\.0\.0\.1:{port} .*\[webhook\] listen"):
            async with start_bot(webhook=webhook_section(port)):
                pass
    assert fake.calls_of("setWebhook") == []


async def test_a_press_answered_in_time_rides_in_the_reply_else_goes_by_the_lane(
    hook_bot: HookBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = hook_bot.fake
    article = await hook_bot.article("Harbour reopens")
    post = await hook_bot.channel_post(article)
    reader = fake.user(806, "Omar", "en")
    query = fake.press_button(reader, CHANNEL_ID, post, f"fav:{article}")
    answer = await fake.wait_for(lambda: fake.callback_answers(query))
    assert answer["text"].startswith("Saved to your favorites")
    calls = [c for c in fake.calls if c.method == "answerCallbackQuery"]
    assert [c.via_reply for c in calls] == [True]  # no request of its own

    # A reply that cannot wait (the handler is always slower than no time at all): the
    # answer still comes, by the answer lane's own request.
    monkeypatch.setattr(webhook_server, "CARRY_SECONDS", 0.0)
    other = fake.user(807, "Salma", "en")
    query = fake.press_button(other, CHANNEL_ID, post, f"fav:{article}")
    answer = await fake.wait_for(lambda: fake.callback_answers(query))
    assert answer["text"].startswith("Saved to your favorites")
    calls = [c for c in fake.calls if c.method == "answerCallbackQuery"]
    assert [c.via_reply for c in calls] == [True, False]
    assert await wait_until(lambda: hook_bot.saved(other.id)) == [article]
