"""A channel's shared pace in the store, on a simulated clock, on both engines.

The same rules as the in-process pacer (tests/publishing/test_pacing.py): routine posts evenly
spaced, at most N in any 60 s, urgent posts skipping the spacing but not the window. Then what
only the store can show: processes asking at once (separate connections) never get more slots
than the rules allow between them.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest

from storage.database import Database
from storage.pace import WINDOW_SECONDS, ChannelPaceRepository
from tests.pgstore import TestStore

START = 1_800_000_000.0  # Unix seconds: times are wall-clock ones
CHANNEL = "news"


@pytest.fixture
async def db(store: TestStore) -> AsyncIterator[Database]:
    opened = await Database.open(store.settings())
    yield opened
    await opened.close()


async def claim(db: Database, now: float, per_minute: int, *, urgent: bool = False) -> float:
    async with db.write() as conn:
        return await ChannelPaceRepository(conn).claim(
            CHANNEL, now=now, per_minute=per_minute, urgent=urgent
        )


async def send_at(db: Database, now: float, per_minute: int, *, urgent: bool = False) -> float:
    """Ask until granted, waiting exactly what the store says; the time the slot was taken."""
    while (wait := await claim(db, now, per_minute, urgent=urgent)) > 0:
        now += wait
    return now


def most_in_any_window(times: list[float]) -> int:
    """The largest number of sends in any 60-second window starting at a send."""
    return max(sum(start <= t < start + WINDOW_SECONDS for t in times) for start in times)


async def test_routine_posts_are_spaced_evenly(db: Database) -> None:
    now = START
    times = []
    for _ in range(6):
        now = await send_at(db, now, per_minute=20)
        times.append(now - START)
    assert times == pytest.approx([0, 3, 6, 9, 12, 15])
    sent = await ChannelPaceRepository(db.store).sent(CHANNEL)
    assert [t - START for t in sent] == pytest.approx(times)  # the store holds what went out


async def test_urgent_posts_skip_the_spacing_but_not_the_window(db: Database) -> None:
    now, times = START, []
    for _ in range(7):
        now = await send_at(db, now, per_minute=3, urgent=True)
        times.append(now - START)
    assert times[:3] == [0, 0, 0]
    assert times[3] == pytest.approx(WINDOW_SECONDS, abs=0.01)
    assert most_in_any_window(times) == 3
    assert len(await ChannelPaceRepository(db.store).sent(CHANNEL)) == 3  # only the latest N


async def test_a_mix_never_exceeds_the_window(db: Database) -> None:
    pattern = [False, True, True, False, True, True, False, False, True, True, True, False]
    now, times = START, []
    for urgent in pattern:
        now = await send_at(db, now, per_minute=4, urgent=urgent)
        times.append(now)
    assert times == sorted(times)
    assert most_in_any_window(times) <= 4
    pairs = zip(itertools.pairwise(times), pattern[1:], strict=True)
    gaps_after = [b - a for (a, b), urgent in pairs if not urgent]
    assert min(gaps_after) >= 15 - 0.01  # a routine post keeps its spacing after any send


async def test_a_refusal_records_nothing(db: Database) -> None:
    assert await claim(db, START, per_minute=6) <= 0
    wait = await claim(db, START + 1, per_minute=6)
    assert wait == pytest.approx(9)  # ten seconds apart, one gone by
    assert await ChannelPaceRepository(db.store).sent(CHANNEL) == [START]


async def test_channels_are_paced_apart(db: Database) -> None:
    async with db.write() as conn:
        pace = ChannelPaceRepository(conn)
        assert await pace.claim("news", now=START, per_minute=1, urgent=False) <= 0
        assert await pace.claim("sport", now=START, per_minute=1, urgent=False) <= 0
        assert await pace.claim("news", now=START, per_minute=1, urgent=True) > 0


async def test_processes_asking_at_once_share_the_window(store: TestStore) -> None:
    """Eight stores (as eight processes) ask for an urgent slot at the same instant, three
    times each: the channel's N = 5 are granted, no more."""
    dbs = [await Database.open(store.settings()) for _ in range(8)]
    try:

        async def ask(db: Database) -> int:
            granted = 0
            for _ in range(3):
                granted += await claim(db, START, per_minute=5, urgent=True) <= 0
            return granted

        granted = await asyncio.gather(*(ask(db) for db in dbs))
        assert sum(granted) == 5
        assert await ChannelPaceRepository(dbs[0].store).sent(CHANNEL) == [START] * 5
    finally:
        for db in dbs:
            await db.close()
