"""Button presses over real HTTP: late answers refused like Telegram, press records, storms."""

from __future__ import annotations

import time

import httpx

from sandbox.fakeapi import FakeTelegram
from tests.support import CHANNEL_ID as CHANNEL
from tests.support import TOKEN, wait_until

TOO_OLD = {
    "ok": False,
    "error_code": 400,
    "description": "Bad Request: query is too old and response timeout expired or query ID is "
    "invalid",
}
MARKUP = {"inline_keyboard": [[{"text": "⭐", "callback_data": "fav:1"}]]}


async def post_with_button(api) -> int:
    post = await api.ok("sendMessage", chat_id=CHANNEL, text="story", reply_markup=MARKUP)
    message_id: int = post["message_id"]
    return message_id


async def answer(client: httpx.AsyncClient, query_id: str) -> httpx.Response:
    return await client.post(
        f"/bot{TOKEN}/answerCallbackQuery", data={"callback_query_id": query_id, "text": "Saved"}
    )


async def test_an_answer_in_time_is_accepted_and_timed(fake: FakeTelegram, api, client) -> None:
    query_id = fake.press_button(fake.user(3), CHANNEL, await post_with_button(api), "fav:1")
    record = fake.press_record(query_id)
    assert record is not None
    assert (record.user_id, record.answered, record.refused) == (3, None, False)
    before = time.monotonic()

    response = await answer(client, query_id)

    assert response.json() == {"ok": True, "result": True}
    answered = fake.press_record(query_id)
    assert answered is not None and answered.answered is not None
    assert record.created <= answered.answered <= time.monotonic()
    assert answered.latency is not None and answered.latency >= before - record.created
    assert answered.refused is False
    assert fake.callback_answers(query_id) == {"callback_query_id": query_id, "text": "Saved"}


async def test_an_answer_past_the_age_limit_is_refused_like_telegram(
    fake: FakeTelegram, api, client
) -> None:
    fake.limit_callback_age(0.0)  # every answer is late: no wait needed to get one
    query_id = fake.press_button(fake.user(3), CHANNEL, await post_with_button(api), "fav:1")

    first, again = await answer(client, query_id), await answer(client, query_id)

    assert (first.status_code, first.json()) == (400, TOO_OLD)
    assert (again.status_code, again.json()) == (400, TOO_OLD)
    assert fake.callback_answers(query_id) is None  # the reader never saw a toast
    record = fake.press_record(query_id)
    assert record is not None and record.refused is True
    assert record.latency is not None and record.latency > 0  # the first answer's time is kept
    assert [c.status for c in fake.calls_of("answerCallbackQuery")] == [400, 400]


async def test_the_age_limit_is_a_deadline_per_query(fake: FakeTelegram, api, client) -> None:
    fake.limit_callback_age(0.5)
    message_id = await post_with_button(api)
    old = fake.press_button(fake.user(3), CHANNEL, message_id, "fav:1")
    created = fake.press_record(old)
    assert created is not None
    # The subject is time itself: wait (on the clock, with a deadline) until `old` is too old.
    await wait_until(lambda: time.monotonic() - created.created > 0.5, 5, "the query to age")
    young = fake.press_button(fake.user(4), CHANNEL, message_id, "fav:1")

    assert (await answer(client, young)).json() == {"ok": True, "result": True}
    assert (await answer(client, old)).json() == TOO_OLD
    records = fake.press_records([old, young, "unknown"])
    assert sorted(records) == sorted([old, young])
    assert (records[old].refused, records[young].refused) == (True, False)


async def test_a_press_is_confirmed_once_the_bot_polls_past_it(fake: FakeTelegram, api) -> None:
    query_id = fake.press_button(fake.user(3), CHANNEL, await post_with_button(api), "fav:1")
    [update] = await api.ok("getUpdates")
    record = fake.press_record(query_id)
    assert record is not None and record.confirmed is False  # delivered, not yet confirmed
    await api.ok("getUpdates", offset=update["update_id"] + 1)
    record = fake.press_record(query_id)
    assert record is not None and record.confirmed is True


async def test_a_storm_presses_at_its_rate_from_distinct_users(fake: FakeTelegram, api) -> None:
    message_id = await post_with_button(api)

    storm = fake.press_storm(CHANNEL, message_id, "fav:1", rate=200, seconds=0.5, first_user=1000)
    assert storm.join(timeout=5)

    assert storm.presses == 100
    records = fake.press_records(storm.query_ids)
    assert sorted(r.user_id for r in records.values()) == list(range(1000, 1100))
    created = sorted(r.created for r in records.values())
    assert 0.4 <= created[-1] - created[0] <= 1.0  # spread over the storm, not all at once
    updates = await api.ok("getUpdates", limit=100)
    assert [u["callback_query"]["id"] for u in updates] == storm.query_ids
    query = updates[0]["callback_query"]
    assert (query["data"], query["message"]["message_id"]) == ("fav:1", message_id)
    assert query["message"]["reply_markup"] == MARKUP
