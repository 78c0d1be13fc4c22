"""Webhook mode, the deliveries: secret header, order, max_connections, retries, replies."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from aiohttp import web
from telegram import Bot

from sandbox.fakeapi import FakeTelegram, WebhookTiming
from tests.sandbox.fakeapi.conftest import Api, Receiver
from tests.support import CHANNEL_ID as CHANNEL
from tests.support import TOKEN, wait_until

MARKUP = {"inline_keyboard": [[{"text": "⭐", "callback_data": "fav:1"}]]}


def texts(receiver: Receiver) -> list[str]:
    return [a.update["message"]["text"] for a in receiver.arrivals if "message" in a.update]


async def test_updates_arrive_as_json_with_the_secret_in_order(
    fake: FakeTelegram, receiver: Receiver, api: Api
) -> None:
    assert await api.ok("setWebhook", url=receiver.url, secret_token="Top_Secret-42") is True
    ann, bob = fake.user(5), fake.user(6)
    sent = [fake.send_text(ann if n % 2 else bob, f"note {n}") for n in range(8)]
    await wait_until(lambda: len(receiver.arrivals) == 8, what="eight deliveries")
    assert {a.secret for a in receiver.arrivals} == {"Top_Secret-42"}
    assert {a.content_type for a in receiver.arrivals} == {"application/json"}
    assert sorted(receiver.update_ids()) == sent
    for user in (ann, bob):  # each chat's messages in the order they were written
        mine = [a.update["message"]["text"] for a in receiver.arrivals]
        mine = [t for t in mine if int(t.split()[1]) % 2 == (user is ann)]
        assert mine == sorted(mine, key=lambda t: int(t.split()[1]))
    assert await wait_until(lambda: fake.pending_update_count == 0) is True
    assert "last_error_message" not in await api.ok("getWebhookInfo")


async def test_no_secret_no_header(fake: FakeTelegram, receiver: Receiver, api: Api) -> None:
    assert await api.ok("setWebhook", url=receiver.url) is True
    fake.send_text(fake.user(5), "hi")
    await wait_until(lambda: receiver.arrivals, what="a delivery")
    assert receiver.arrivals[0].secret is None


async def test_max_connections_bounds_requests_in_flight(
    fake: FakeTelegram, receiver: Receiver, api: Api
) -> None:
    # Ten readers write first, so all ten updates wait when the webhook is set: the fake could
    # post them all at once, and must not post more than three.
    for user_id in range(100, 110):
        fake.send_text(fake.user(user_id), "hello")
    gate = asyncio.Semaphore(0)

    async def held(update: dict[str, Any]) -> web.Response:
        await gate.acquire()
        return web.Response()

    receiver.answer = held
    assert await api.ok("setWebhook", url=receiver.url, max_connections=3) is True
    for remaining in range(10, 0, -1):
        await wait_until(
            lambda r=remaining: receiver.in_flight == min(3, r),
            what=lambda: f"{receiver.in_flight} requests in flight",
        )
        gate.release()  # one answer; the freed connection takes the next update
    await wait_until(lambda: fake.pending_update_count == 0, what="all delivered")
    assert len(receiver.arrivals) == 10
    assert receiver.most_in_flight == 3


async def test_a_500_is_retried_with_back_off_holding_only_its_chat(
    fake: FakeTelegram, receiver: Receiver, api: Api
) -> None:
    ann, bob = fake.user(5), fake.user(6)
    broken = {ann.id}

    async def answer(update: dict[str, Any]) -> web.Response:
        return web.Response(status=500 if update["message"]["chat"]["id"] in broken else 200)

    receiver.answer = answer
    assert await api.ok("setWebhook", url=receiver.url) is True
    first, second = fake.send_text(ann, "first"), fake.send_text(ann, "second")
    fake.send_text(bob, "meanwhile")
    await wait_until(lambda: receiver.update_ids().count(first) >= 4, what="four attempts")
    async with Bot(TOKEN, base_url=fake.base_url) as bot:
        info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.last_error_date is not None
    assert info.pending_update_count == 2  # bob's went through; ann's two wait
    assert second not in receiver.update_ids()  # held behind the first of its chat
    assert "meanwhile" in texts(receiver)
    times = [a.at for a in receiver.arrivals if a.update["update_id"] == first]
    # Retried at once, then after the back-off (first_backoff 0.05 s by default), doubling.
    assert times[2] - times[1] >= 0.05 * 0.9
    assert times[3] - times[2] >= 0.1 * 0.9
    broken.clear()
    await wait_until(lambda: fake.pending_update_count == 0, what="the retry to succeed")
    assert texts(receiver)[-2:] == ["first", "second"]
    info_after = await api.ok("getWebhookInfo")
    assert info_after["pending_update_count"] == 0
    assert info_after["last_error_message"].endswith("500 Internal Server Error")  # kept


async def test_a_timeout_is_retried_and_reported(receiver: Receiver) -> None:
    slow = {"first": True}

    async def answer(update: dict[str, Any]) -> web.Response:
        if slow.pop("first", False):
            await asyncio.sleep(3)  # longer than the fake waits (0.3 s)
        return web.Response()

    receiver.answer = answer
    timing = WebhookTiming(timeout=0.3)
    with FakeTelegram(webhook_timing=timing) as fake:
        async with httpx.AsyncClient(base_url=fake.url) as client:
            api = Api(client)
            assert await api.ok("setWebhook", url=receiver.url) is True
            update_id = fake.send_text(fake.user(5), "slow one")
            await wait_until(lambda: fake.pending_update_count == 0, what="a delivery")
            info = await api.ok("getWebhookInfo")
    assert receiver.update_ids() == [update_id, update_id]
    assert info["last_error_message"] == "Read timeout expired"


async def test_a_reply_carrying_a_method_is_executed(
    fake: FakeTelegram, receiver: Receiver, api: Api
) -> None:
    post = await api.ok("sendMessage", chat_id=CHANNEL, text="story", reply_markup=MARKUP)

    async def answer(update: dict[str, Any]) -> web.Response:
        query = update["callback_query"]
        if query["from"]["id"] == 7:  # a getter in a reply is ignored, as by Telegram
            return web.json_response({"method": "getMe"})
        reply = {"method": "answerCallbackQuery", "callback_query_id": query["id"], "text": "Ok"}
        return web.json_response(reply)

    receiver.answer = answer
    assert await api.ok("setWebhook", url=receiver.url) is True
    ignored = fake.press_button(fake.user(7), CHANNEL, post["message_id"], "fav:1")
    query_id = fake.press_button(fake.user(8), CHANNEL, post["message_id"], "fav:1")
    answer_call = await fake.wait_for_call("answerCallbackQuery")
    assert answer_call.params == {"callback_query_id": query_id, "text": "Ok"}
    assert (answer_call.via_reply, answer_call.ok) == (True, True)
    assert fake.callback_answers(query_id) == {"callback_query_id": query_id, "text": "Ok"}
    record = fake.press_record(query_id)
    assert record is not None
    assert record.confirmed is True
    assert record.answered is not None
    await wait_until(lambda: len(receiver.arrivals) == 2, what="both presses delivered")
    assert fake.callback_answers(ignored) is None
    assert fake.calls_of("getMe") == []


async def test_a_storm_of_presses_is_delivered_once_each(
    fake: FakeTelegram, receiver: Receiver, api: Api
) -> None:
    post = await api.ok("sendMessage", chat_id=CHANNEL, text="story", reply_markup=MARKUP)

    async def answer(update: dict[str, Any]) -> web.Response:
        await asyncio.sleep(0.05)  # the bot's work on a press: 20 presses come meanwhile
        return web.Response()

    receiver.answer = answer
    assert await api.ok("setWebhook", url=receiver.url, max_connections=8) is True
    storm = fake.press_storm(
        CHANNEL, post["message_id"], "fav:1", rate=400, seconds=0.25, first_user=1000
    )
    assert await asyncio.to_thread(storm.join, 5)
    await wait_until(lambda: fake.pending_update_count == 0, what="the storm delivered")
    delivered = [a.update["callback_query"]["id"] for a in receiver.arrivals]
    assert sorted(delivered) == sorted(storm.query_ids)
    assert len(storm.query_ids) == 100
    # One post in one channel, but each press is its reader's: Telegram queues callback
    # queries by user, so they go out in parallel, up to max_connections.
    assert receiver.most_in_flight == 8


async def test_stop_cuts_a_delivery_the_bot_never_answers(receiver: Receiver) -> None:
    never = asyncio.Event()

    async def hang(update: dict[str, Any]) -> web.Response:
        await never.wait()
        return web.Response()

    receiver.answer = hang
    fake = FakeTelegram(webhook_timing=WebhookTiming(timeout=30)).start()
    try:
        async with httpx.AsyncClient(base_url=fake.url) as client:
            assert await Api(client).ok("setWebhook", url=receiver.url) is True
        fake.send_text(fake.user(5), "hello?")
        await wait_until(lambda: receiver.in_flight == 1, what="a delivery in flight")
    finally:
        started = time.monotonic()
        await asyncio.to_thread(fake.stop)
    assert time.monotonic() - started < 5  # not the 30 s the fake would wait for an answer
