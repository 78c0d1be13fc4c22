"""Two webhook workers on one store: Telegram's redeliveries, to either, are handed on once,
and an update taken by a worker that then went silent is handed on by the other.

Two `WebhookReceiver`s (the servers `newsdesk run` starts), each with its own connection pool
to the same database and its own row in `workers`, as two processes would have, on one clock
the test moves (a heartbeat is the test's `beat`, as a running bot's JobQueue would write it).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from telegram import Bot

from bot.domain.webhook import Taken
from bot.intake.poller import RawUpdate
from bot.serving import ALLOWED_UPDATES
from bot.webhook.receiver import WebhookReceiver
from bot.webhook_settings import WebhookSettings
from sandbox.fakeapi import FakeTelegram
from storage.database import Database
from storage.webhook_updates import HAND_OVER_GRACE, WebhookUpdateRepository
from storage.workers import WorkerRepository
from tests.pgstore import TestStore
from tests.support import TOKEN, wait_until
from tests.webhook.conftest import PATH, SECRET, free_port, post_update

TTL = timedelta(seconds=60)


class Clock:
    """The workers' clock, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class Worker:
    """One worker's receiver and what it handed on."""

    def __init__(self, name: str, db: Database, clock: Clock) -> None:
        self.name, self.db, self.clock = name, db, clock
        self.handed: list[int] = []
        self.port = free_port()

    async def beat(self) -> None:
        """This worker's heartbeat, now."""
        async with self.db.write() as conn:
            await WorkerRepository(conn).beat(
                self.name, hostname="elsewhere", pid=4242, command="run", now=self.clock()
            )

    async def deliver(self, batch: list[RawUpdate], _received_at: float) -> None:
        self.handed.extend(int(update["update_id"]) for update in batch)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def workers(
    store: TestStore, fake: FakeTelegram, clock: Clock
) -> AsyncIterator[list[Worker]]:
    """Two receivers on one store, each with its own pool; the webhook set by both."""
    async with AsyncExitStack() as stack:
        telegram = await stack.enter_async_context(Bot(TOKEN, base_url=fake.base_url))
        found = []
        for n in range(2):
            db = await Database.open(store.settings())
            stack.push_async_callback(db.close)
            worker = Worker(f"worker-{n}", db, clock)
            await worker.beat()
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
                clock=clock,
                worker=worker.name,
                ttl=TTL,
            )
            await receiver.start()
            stack.push_async_callback(receiver.stop)
            await wait_until(lambda r=receiver: r.not_receiving() is None, what="webhook set")
            found.append(worker)
        yield found


async def test_redeliveries_to_either_worker_are_handed_on_once(
    workers: list[Worker], clock: Clock
) -> None:
    ports = [worker.port for worker in workers]
    ids = list(range(5_000, 5_030))
    # Each update reaches both workers at once, and one of them a third time (a prompt retry).
    requests = [(port, uid) for uid in ids for port in ports]
    requests += [(ports[uid % 2], uid) for uid in ids[::3]]
    statuses = await asyncio.gather(*(post_update(p, {"update_id": u}) for p, u in requests))
    handed = workers[0].handed + workers[1].handed
    assert sorted(handed) == ids
    # The rest were answered 503 (taken moments ago by the other live worker, maybe still in
    # hand-over, or a twin in the same batch) or 200 (a later batch of the worker that took it).
    assert {s for s, _ in statuses} <= {200, 503}
    assert [s for s, _ in statuses].count(200) >= len(ids)

    # Both live on and beat past the hand-over: Telegram's retries are now answered 200, unsent.
    clock.now += HAND_OVER_GRACE
    for worker in workers:
        await worker.beat()
    retries = [(p, u) for (p, u), (s, _) in zip(requests, statuses, strict=True) if s == 503]
    again = await asyncio.gather(*(post_update(p, {"update_id": u}) for p, u in retries))
    assert {s for s, _ in again} == {200}
    assert sorted(workers[0].handed + workers[1].handed) == ids


async def test_an_update_taken_by_a_worker_that_went_silent_is_handed_on_by_the_other(
    workers: list[Worker], clock: Clock
) -> None:
    killed, survivor = workers
    # Killed between recording the id and handing the update on, as a kill -9 leaves it.
    async with killed.db.write() as conn:
        taken = await WebhookUpdateRepository(conn).take(
            6_000, worker=killed.name, now=clock(), ttl=TTL
        )
    assert taken is Taken.NEW
    # Telegram got no answer and redelivers to the survivor: its heartbeat is still fresh, so
    # it may be alive and handing it on; 503, ask again later.
    clock.now += timedelta(seconds=5)
    assert (await post_update(survivor.port, {"update_id": 6_000}))[0] == 503
    assert survivor.handed == []
    # Past the time-to-live without a heartbeat the killed worker is gone: the retry re-takes it.
    clock.now += TTL
    await survivor.beat()
    assert (await post_update(survivor.port, {"update_id": 6_000}))[0] == 200
    assert survivor.handed == [6_000]
    assert killed.handed == []
    # A retry after that (to either) is the survivor's: busy until it beats, then seen.
    assert (await post_update(killed.port, {"update_id": 6_000}))[0] == 503
    clock.now += HAND_OVER_GRACE
    await survivor.beat()
    assert (await post_update(killed.port, {"update_id": 6_000}))[0] == 200
    assert survivor.handed == [6_000]
    assert killed.handed == []
