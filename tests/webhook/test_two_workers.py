"""Two webhook workers on one store: Telegram's redeliveries, to either, are handed on once.

Two `WebhookReceiver`s (the servers `newsdesk run` starts), each with its own connection pool
to the same database, as two processes would have. Two whole Applications cannot share a store
yet: the instance lease refuses the second (the workers/leader change lifts that).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest
from pydantic import SecretStr
from telegram import Bot

from bot.clock import utc_now
from bot.intake.poller import RawUpdate
from bot.serving import ALLOWED_UPDATES
from bot.webhook.receiver import WebhookReceiver
from bot.webhook_settings import WebhookSettings
from sandbox.fakeapi import FakeTelegram
from storage.database import Database
from tests.pgstore import TestStore
from tests.support import TOKEN, wait_until
from tests.webhook.conftest import PATH, SECRET, free_port, post_update


class Worker:
    """One worker's receiver and what it handed on."""

    def __init__(self) -> None:
        self.handed: list[int] = []
        self.port = free_port()

    async def deliver(self, batch: list[RawUpdate], _received_at: float) -> None:
        self.handed.extend(int(update["update_id"]) for update in batch)


@pytest.fixture
async def workers(store: TestStore, fake: FakeTelegram) -> AsyncIterator[list[Worker]]:
    """Two receivers on one store, each with its own pool; the webhook set by both."""
    async with AsyncExitStack() as stack:
        telegram = await stack.enter_async_context(Bot(TOKEN, base_url=fake.base_url))
        found = []
        for _ in range(2):
            worker = Worker()
            db = await Database.open(store.settings())
            stack.push_async_callback(db.close)
            settings = WebhookSettings(
                url=f"http://127.0.0.1:{worker.port}{PATH}",
                port=worker.port,
                secret_token=SecretStr(SECRET),
            )
            receiver = WebhookReceiver(
                settings,
                bot=telegram,
                db=db,
                deliver=worker.deliver,
                allowed_updates=ALLOWED_UPDATES,
                clock=utc_now,
            )
            await receiver.start()
            stack.push_async_callback(receiver.stop)
            await wait_until(lambda r=receiver: r.not_receiving() is None, what="webhook set")
            found.append(worker)
        yield found


async def test_redeliveries_to_either_worker_are_handed_on_once(workers: list[Worker]) -> None:
    ports = [worker.port for worker in workers]
    ids = list(range(5_000, 5_030))
    # Each update reaches both workers at once, and one of them a third time (a late retry).
    requests = [post_update(port, {"update_id": uid}) for uid in ids for port in ports]
    requests += [post_update(ports[uid % 2], {"update_id": uid}) for uid in ids[::3]]
    statuses = await asyncio.gather(*requests)
    assert {status for status, _ in statuses} == {200}, statuses
    handed = workers[0].handed + workers[1].handed
    assert sorted(handed) == ids
