"""Who shares the bot's Telegram budget: the processes that send, as the store counts them.

Telegram's ~30 messages/s is the bot's. A polling follower neither polls nor posts, so its share
would be wasted: only workers that receive updates (webhook workers, the polling leader) and
one-shots that send (`newsdesk publish`, `digest`) count. Each worker's computed share is what
its rate limiter takes (bot.transport.shared_limiter).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.leadership import Leadership
from bot.transport.shared_limiter import SharedRateLimiter
from storage.database import Database
from storage.lease import LeaseRepository
from tests.pgstore import TestStore

TTL = timedelta(seconds=60)
BUDGET = 30


def now() -> datetime:
    return datetime.now(UTC)


class Worker:
    """One process: its store, its worker row and lease, its limiter."""

    def __init__(self, db: Database, *, command: str, webhook: bool = False) -> None:
        lease = LeaseRepository(db.store, ttl=TTL) if command == "run" else None
        self.leadership = Leadership(
            db, now, ttl=TTL, command=command, lease=lease, receives_updates=webhook
        )
        self.limiter = SharedRateLimiter(overall_max_rate=BUDGET)
        self.leadership.on_share = self.limiter.share

    async def start(self) -> Worker:
        await self.leadership.register()
        await self.leadership.start()
        await self.leadership.reshare()
        return self

    @property
    def share(self) -> float:
        return self.limiter.overall_rate


async def open_three(store: TestStore) -> list[Database]:
    """Three stores on one database, as three processes would open it."""
    return [await Database.open(store.settings()) for _ in range(3)]


@pytest.fixture
async def dbs(store: TestStore) -> AsyncIterator[list[Database]]:
    opened = await open_three(store)
    yield opened
    for db in opened:
        await db.close()


@pytest.fixture
async def pg_dbs(pg_database: str) -> AsyncIterator[list[Database]]:
    """PostgreSQL only: followers exist there alone (a second bot on SQLite is refused)."""
    opened = await open_three(TestStore("postgres", {"url": pg_database}))
    yield opened
    for db in opened:
        await db.close()


async def test_a_publish_beside_the_bot_takes_its_share(dbs: list[Database]) -> None:
    bot = await Worker(dbs[0], command="run").start()
    assert bot.leadership.leading and bot.share == BUDGET  # alone: all of it
    publish = await Worker(dbs[1], command="one-shot").start()
    await bot.leadership.heartbeat()
    assert (bot.share, publish.share) == (BUDGET / 2, BUDGET / 2)
    await publish.leadership.leave()
    await bot.leadership.heartbeat()
    assert bot.share == BUDGET  # the pass ended: all of it again


async def test_a_polling_follower_takes_no_share_until_it_leads(pg_dbs: list[Database]) -> None:
    leader = await Worker(pg_dbs[0], command="run").start()
    follower = await Worker(pg_dbs[1], command="run").start()
    assert not follower.leadership.leading
    await leader.leadership.heartbeat()
    assert leader.share == BUDGET  # the follower neither polls nor posts
    await leader.leadership.leave()
    await follower.leadership.heartbeat()  # takes the lease over: polls and posts now
    assert follower.leadership.leading and follower.share == BUDGET
    publish = await Worker(pg_dbs[2], command="one-shot").start()
    assert publish.share == BUDGET / 2  # the new leader is counted from its takeover on


async def test_webhook_workers_share_it_leader_or_not(pg_dbs: list[Database]) -> None:
    leader = await Worker(pg_dbs[0], command="run", webhook=True).start()
    follower = await Worker(pg_dbs[1], command="run", webhook=True).start()
    polling_follower = await Worker(pg_dbs[2], command="run").start()
    await leader.leadership.heartbeat()
    await follower.leadership.heartbeat()
    assert not follower.leadership.leading and not polling_follower.leadership.leading
    assert (leader.share, follower.share) == (BUDGET / 2, BUDGET / 2)  # both answer updates
