"""Two bots on one PostgreSQL store: one leads the newsroom, the other follows and answers.

In one process against the fake Bot API (the process tests, tests/bot/test_leader_failover.py,
kill a real leader). The follower's readers' writes pass the lease's fence; its newsroom writes
do not; when the leader stops, the follower's next heartbeat makes it the leader.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import build_application, running
from bot.config import Settings, parse_settings
from bot.domain import ArticleDraft
from bot.domain.errors import LeaseLostError
from bot.transport.shared_limiter import SharedRateLimiter
from sandbox.fakeapi import FakeTelegram
from storage.database import newsroom_writes
from storage.state import StateRepository
from tests.conftest import settings_dict
from tests.pgstore import TestStore

READER = 4242


@pytest.fixture
def pg(pg_database: str) -> TestStore:
    """A PostgreSQL store only: a SQLite file refuses a second bot (tests/bot/test_app.py)."""
    return TestStore("postgres", {"url": pg_database})


def pg_settings(tmp_path: Path, fake: FakeTelegram, pg: TestStore) -> Settings:
    data = settings_dict(tmp_path, fake.base_url)
    data["storage"] = {**pg.table}
    data["publishing"] = {**data.get("publishing", {}), "enabled": False}
    return parse_settings(data)


async def test_a_follower_answers_readers_and_takes_over_when_the_leader_stops(
    fake: FakeTelegram, pg: TestStore, tmp_path: Path
) -> None:
    settings = pg_settings(tmp_path, fake, pg)
    first, second = build_application(settings), build_application(settings)
    now = datetime.now(UTC)
    async with AsyncExitStack() as following:
        async with running(first):
            leader = first.bot_data.services
            await following.enter_async_context(running(second))
            follower = second.bot_data.services
            assert leader.leading and not follower.leading
            assert follower.lease_lost is None  # following is not losing: it stays ready

            # A reader's ⭐ through the follower is written: readers' writes are not fenced.
            draft = ArticleDraft(
                guid="worker-1",
                url="https://news.example/w/1",
                title="Harbour reopens",
                category="World",
                published_at=now - timedelta(minutes=3),
                summary="Ships are moving again.",
            )
            [stored] = await follower.articles.store([draft])
            with newsroom_writes():  # the leader posts it (a reader may save a listed story)
                assert (await leader.publisher.run_pass()).posted == [stored.article.id]
            await follower.subscribers.favorites.save(READER, stored.article.id)
            assert await leader.subscribers.favorites.saved_ids(READER) == [stored.article.id]

            # The newsroom's writes are the leader's alone.
            with pytest.raises(LeaseLostError), newsroom_writes():
                async with follower.db.write() as conn:
                    await StateRepository(conn).put("follower.newsroom", "no", now=now)
            with newsroom_writes():
                async with leader.db.write() as conn:
                    await StateRepository(conn).put("leader.newsroom", "yes", now=now)
            state = StateRepository(leader.db.store)
            assert await state.get("follower.newsroom") is None
            assert await state.get("leader.newsroom") == "yes"

            # Both heartbeat: a polling follower neither polls nor posts, so the leader keeps
            # the whole Telegram budget (tests/bot/test_budget_share.py: who shares it).
            await leader.heartbeat()
            await follower.heartbeat()
            limiter = first.bot.rate_limiter
            assert isinstance(limiter, SharedRateLimiter)
            assert limiter.overall_rate == settings.telegram.max_requests_per_second
            assert leader.leading and not follower.leading
            limiter = second.bot.rate_limiter
            assert isinstance(limiter, SharedRateLimiter)
        # The leader stopped cleanly (lease released): the follower's next heartbeat leads.
        await follower.heartbeat()
        assert follower.leading
        assert limiter.overall_rate == settings.telegram.max_requests_per_second
