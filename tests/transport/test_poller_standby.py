"""A standby's poller (a follower in polling mode) asks Telegram nothing until it may poll.

Telegram serves one getUpdates consumer per token; two pollers would steal batches from each
other and both see updates neither confirmed yet. The real poller runs against the fake here.
"""

from __future__ import annotations

import asyncio

from bot.intake.poller import RawUpdate, UpdatePoller
from sandbox.fakeapi import FakeTelegram
from tests.support import TOKEN, wait_until


async def test_a_standby_polls_only_once_it_may(fake: FakeTelegram) -> None:
    leading = False
    got: list[RawUpdate] = []

    async def deliver(batch: list[RawUpdate], _received_at: float) -> None:
        got.extend(batch)

    poller = UpdatePoller(
        f"{fake.base_url}{TOKEN}",
        deliver,
        allowed_updates=["message"],
        poll_timeout=1,
        may_poll=lambda: leading,
    )
    await poller.start()
    try:
        fake.send_text(fake.user(1001, "Ann"), "/start")
        await asyncio.sleep(1.5)  # a standby's wait: one check a second, nothing asked
        assert fake.calls_of("getUpdates") == []
        assert got == [] and fake.pending_update_count == 1
        leading = True  # it took the lease: it polls now and gets what waited
        await wait_until(lambda: got, 10.0, "the waiting update, once the poller may poll")
        assert [u["message"]["text"] for u in got] == ["/start"]
    finally:
        await poller.stop()
