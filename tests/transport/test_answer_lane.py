"""The answer lane by what the fake Bot API receives: in time or not at all."""

from __future__ import annotations

import time

from telegram import Bot

from bot.transport.answers import ANSWER_DEADLINE_SECONDS, AnswerLane
from sandbox.fakeapi import FakeTelegram
from tests.support import CHANNEL_ID, TOKEN


async def channel_post(fake: FakeTelegram) -> int:
    async with Bot(TOKEN, base_url=fake.base_url) as bot:
        return (await bot.send_message(CHANNEL_ID, "A story")).message_id


async def test_answers_in_time_and_drops_what_is_past_its_deadline(fake: FakeTelegram) -> None:
    reader, post = fake.user(701, "Lina", "en"), await channel_post(fake)
    fresh = fake.press_button(reader, CHANNEL_ID, post, "fav:1")
    stale = fake.press_button(reader, CHANNEL_ID, post, "fav:2")
    lane = AnswerLane(fake.base_url + TOKEN)
    await lane.start()
    try:
        now = time.monotonic()
        lane.answer(stale, "Saved", received_at=now - ANSWER_DEADLINE_SECONDS - 0.1)
        lane.answer(fresh, "Saved", received_at=now)
        answer = await fake.wait_for(lambda: fake.callback_answers(fresh))
    finally:
        await lane.close()
    assert answer["text"] == "Saved"
    assert fake.callback_answers(stale) is None  # never sent: Telegram would refuse it
    assert (lane.counts.answered, lane.counts.dropped) == (1, 1)


async def test_close_drops_what_cannot_go_and_sends_nothing_after(fake: FakeTelegram) -> None:
    reader, post = fake.user(702, "Omar", "ar"), await channel_post(fake)
    lane = AnswerLane(fake.base_url + TOKEN)
    await lane.start()
    await lane.close(grace_seconds=0.5)
    late = fake.press_button(reader, CHANNEL_ID, post, "fav:3")
    lane.answer(late, "Saved", received_at=time.monotonic())  # after close: counted, not sent
    assert (lane.counts.dropped, lane.queued) == (1, 0)  # nothing left that could go out
    assert fake.callback_answers(late) is None
