"""Injected faults, flood limits, long polling and acting as users."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from sandbox.fakeapi import NOT_MODIFIED, FakeTelegram, Fault
from tests.support import CHANNEL_ID as CHANNEL
from tests.support import TOKEN


async def test_error_faults_answer_like_telegram(fake: FakeTelegram, api) -> None:
    fake.fail_next("sendMessage", Fault.retry_after(7))
    fake.fail_next("sendMessage", Fault.server_error(502), times=2)
    fake.fail_next("sendMessage", Fault.chat_migrated(-100555))
    fake.fail_next(
        "sendMessage", Fault.forbidden("Forbidden: bot was kicked from the channel chat")
    )
    fake.fail_next("sendMessage", Fault.bad_request("Bad Request: can't parse entities: nope"))
    fake.fail_next("sendMessage", Fault.not_modified())
    answers = [await api("sendMessage", chat_id=CHANNEL, text="x") for _ in range(8)]
    assert answers[0] == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        },
    )
    assert [a[0] for a in answers[1:]] == [502, 502, 400, 403, 400, 400, 200]
    assert answers[1][1]["description"] == "Internal Server Error"
    assert answers[3][1]["parameters"] == {"migrate_to_chat_id": -100555}
    assert answers[4][1]["description"] == "Forbidden: bot was kicked from the channel chat"
    assert answers[6][1]["description"] == NOT_MODIFIED
    assert fake.count_429 == 1
    assert [m.text for m in fake.messages(CHANNEL)] == ["x"]
    assert [c.fault for c in fake.calls_of("sendMessage")][:2] == ["error", "error"]


async def test_faults_are_per_method(fake: FakeTelegram, api) -> None:
    fake.fail_next("SENDPHOTO", Fault.server_error())
    await api.ok("sendMessage", chat_id=CHANNEL, text="unaffected")
    assert (await api("sendPhoto", chat_id=CHANNEL, photo="https://e.com/a.jpg"))[0] == 500


@pytest.mark.parametrize("applied", [True, False])
async def test_timeout_holds_the_answer(fake: FakeTelegram, applied: bool) -> None:
    fake.fail_next("sendMessage", Fault.timeout(30, applied=applied))
    # A short read timeout only: connecting may be slow on a loaded machine.
    timeout = httpx.Timeout(0.3, connect=5.0)
    async with httpx.AsyncClient(base_url=fake.url, timeout=timeout) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.post(
                f"/bot{TOKEN}/sendMessage", data={"chat_id": str(CHANNEL), "text": "x"}
            )
    if applied:
        await fake.wait_for(lambda: len(fake.messages(CHANNEL)) == 1)
    assert len(fake.messages(CHANNEL)) == (1 if applied else 0)
    started = time.monotonic()
    fake.stop()  # must not wait for the 30 s hold
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("applied", [True, False])
async def test_drop_connection(
    fake: FakeTelegram, client: httpx.AsyncClient, applied: bool
) -> None:
    fake.fail_next("sendMessage", Fault.drop_connection(applied=applied))
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post(f"/bot{TOKEN}/sendMessage", data={"chat_id": str(CHANNEL), "text": "x"})
    assert len(fake.messages(CHANNEL)) == (1 if applied else 0)
    assert fake.calls_of("sendMessage")[0].status == 0
    # The client recovers on a fresh connection.
    response = await client.post(f"/bot{TOKEN}/getMe")
    assert response.status_code == 200


async def test_chat_rate_limit(fake: FakeTelegram, api) -> None:
    fake.add_channel(username="other", chat_id=-1002, title="Other")
    fake.limit_chat_rate(per_minute=2)
    await api.ok("sendMessage", chat_id=CHANNEL, text="1")
    await api.ok("sendPhoto", chat_id=CHANNEL, photo="https://e.com/a.jpg")
    status, body = await api("sendMessage", chat_id="@example_news", text="3")
    assert status == 429
    assert 59 <= body["parameters"]["retry_after"] <= 60
    await api.ok("sendMessage", chat_id="@other", text="other chat has its own window")
    await api.ok("getMe")  # not a send
    assert fake.count_429 == 1
    fake.limit_chat_rate(None)
    await api.ok("sendMessage", chat_id=CHANNEL, text="limit off")


async def test_global_rate_limit(fake: FakeTelegram, api) -> None:
    fake.limit_global_rate(per_second=3)
    statuses = [(await api("sendMessage", chat_id=CHANNEL, text=str(i)))[0] for i in range(5)]
    assert statuses.count(200) == 3
    last = await api("sendMessage", chat_id=CHANNEL, text="x")
    assert last[0] == 429 and last[1]["parameters"]["retry_after"] == 1
    assert fake.count_429 >= 2


async def test_paid_broadcasts_have_their_own_global_limit(fake: FakeTelegram, api) -> None:
    fake.limit_global_rate(per_second=2, paid_per_second=4)
    free = [(await api("sendMessage", chat_id=CHANNEL, text=str(i)))[0] for i in range(3)]
    assert free == [200, 200, 429]  # the free limit is used up ...
    paid = [
        (await api("sendMessage", chat_id=CHANNEL, text=str(i), allow_paid_broadcast=True))[0]
        for i in range(5)
    ]
    assert paid == [200, 200, 200, 200, 429]  # ... paid broadcasts still go, to their own
    sent = [c for c in fake.calls_of("sendMessage") if c.ok]
    assert [c.params.get("allow_paid_broadcast") for c in sent] == [None] * 2 + [True] * 4


async def test_long_poll_returns_when_an_update_arrives(fake: FakeTelegram, api) -> None:
    poll = asyncio.create_task(api("getUpdates", timeout=10, offset=0))
    await fake.wait_for(lambda: fake.long_polls_waiting == 1)
    ann = fake.user(42, first_name="Ann", username="ann")
    started = time.monotonic()
    update_id = fake.send_text(ann, "/latest@newsdesk_bot now")
    status, body = await asyncio.wait_for(poll, timeout=5)
    assert time.monotonic() - started < 3
    assert status == 200
    [update] = body["result"]
    assert update["update_id"] == update_id
    message = update["message"]
    assert message["from"] == {
        "id": 42,
        "is_bot": False,
        "first_name": "Ann",
        "username": "ann",
        "language_code": "en",
    }
    assert message["chat"] == {"id": 42, "type": "private", "first_name": "Ann", "username": "ann"}
    assert message["entities"] == [
        {"type": "bot_command", "offset": 0, "length": len("/latest@newsdesk_bot")}
    ]
    # Confirming with offset drops it.
    assert (await api.ok("getUpdates", offset=update_id + 1, timeout=0)) == []
    assert fake.pending_update_count == 0


async def test_stop_releases_a_pending_long_poll(
    fake: FakeTelegram, client: httpx.AsyncClient
) -> None:
    poll = asyncio.create_task(client.post(f"/bot{TOKEN}/getUpdates", data={"timeout": "30"}))
    await fake.wait_for(lambda: fake.long_polls_waiting == 1)
    started = time.monotonic()
    await asyncio.to_thread(fake.stop)
    assert time.monotonic() - started < 2
    with pytest.raises(httpx.HTTPError):
        await asyncio.wait_for(poll, timeout=5)


async def test_allowed_updates_and_limit(fake: FakeTelegram, api) -> None:
    ann = fake.user(1)
    fake.send_text(ann, "a")
    fake.send_text(ann, "b")
    first = await api.ok("getUpdates", limit=1)
    assert [u["message"]["text"] for u in first] == ["a"]
    sent = await api.ok(
        "sendMessage",
        chat_id=1,
        text="pick",
        reply_markup={"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]},
    )
    fake.press_button(ann, 1, sent["message_id"], "go")
    only_callbacks = await api.ok("getUpdates", allowed_updates=["callback_query"])
    assert [("callback_query" in u) for u in only_callbacks] == [True]


async def test_old_dates_and_reply_to_photo(fake: FakeTelegram, api) -> None:
    ann = fake.user(5)
    photo = fake.send_photo_from_user(ann, caption="what is this?")
    fake.send_text(ann, "/source", reply_to=photo, date=1_000_000)
    updates = await api.ok("getUpdates")
    assert updates[0]["message"]["photo"][0]["width"] == 90
    reply = updates[1]["message"]
    assert reply["date"] == 1_000_000
    assert reply["reply_to_message"]["caption"] == "what is this?"
    assert reply["reply_to_message"]["message_id"] == photo.message_id


async def test_group_message(fake: FakeTelegram, api) -> None:
    group = fake.add_group(chat_id=-100777, title="Readers")
    fake.send_text(fake.user(9), "hello all", chat=group.id)
    [update] = await api.ok("getUpdates")
    assert update["message"]["chat"]["type"] == "supergroup"
    assert update["message"]["from"]["id"] == 9


async def test_press_button_and_answer(fake: FakeTelegram, api) -> None:
    markup = {"inline_keyboard": [[{"text": "Like", "callback_data": "like:1"}]]}
    post = await api.ok("sendMessage", chat_id=CHANNEL, text="story", reply_markup=markup)
    ann = fake.user(3)
    query_id = fake.press_button(ann, "@example_news", post["message_id"], "like:1")
    assert fake.press_button(ann, CHANNEL, post["message_id"], "like:1") != query_id
    [update, _] = await api.ok("getUpdates")
    query = update["callback_query"]
    assert query["id"] == query_id
    assert query["data"] == "like:1"
    assert query["message"]["reply_markup"] == markup
    assert query["message"]["sender_chat"]["id"] == CHANNEL
    assert (
        await api.error("answerCallbackQuery", 400, callback_query_id=query_id, text="x" * 201)
        == "Bad Request: MESSAGE_TOO_LONG"
    )
    assert (
        await api.ok(
            "answerCallbackQuery", callback_query_id=query_id, text="Thanks", show_alert=True
        )
        is True
    )
    assert fake.callback_answers(query_id) == {
        "callback_query_id": query_id,
        "text": "Thanks",
        "show_alert": True,
    }
    assert await api.error("answerCallbackQuery", 400, callback_query_id="nope")


async def test_wait_for_helpers(fake: FakeTelegram, api) -> None:
    async def later() -> None:
        await api.ok("sendMessage", chat_id=CHANNEL, text="eventually")

    task = asyncio.create_task(later())
    recorded = await fake.wait_for_call("sendMessage", where=lambda p: p["text"] == "eventually")
    await task
    assert recorded.ok and recorded.result_or_error["text"] == "eventually"
    assert await fake.wait_for(lambda: fake.messages(CHANNEL)) != []
    with pytest.raises(TimeoutError, match=r"call of deleteMessage not met within 0\.05s"):
        await fake.wait_for_call("deleteMessage", timeout=0.05)
    assert await asyncio.to_thread(fake.wait_for_sync, lambda: len(fake.calls), 1.0) >= 1
    with pytest.raises(TimeoutError):
        fake.wait_for_sync(lambda: None, timeout=0.05)
