"""The channel pacer on a simulated clock: even spacing, a sliding 60 s window, breaking first;
then two pacers (two processes) sharing one channel's pace through the store, on both engines."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest

from bot.publishing.pacing import WINDOW_SECONDS, ChannelPacer, StorePace
from storage.database import Database
from storage.pace import ChannelPaceRepository
from tests.pgstore import TestStore

START = 100.0


class Clock:
    """Simulated time: a sleeper wakes at its own wake time, never before it."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake = self.now + seconds
        await asyncio.sleep(0)  # let the other tasks run at the current time first
        self.now = max(self.now, wake)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def pacer(clock: Clock, per_minute: int) -> ChannelPacer:
    return ChannelPacer(per_minute, clock=clock, sleep=clock.sleep)


async def sent_at(clock: Clock, pacer: ChannelPacer, *, urgent: bool = False) -> float:
    await pacer.acquire(urgent=urgent)
    return clock.now - START


def most_in_any_window(times: list[float]) -> int:
    """The largest number of sends in any 60-second window starting at a send."""
    return max(sum(start <= t < start + WINDOW_SECONDS for t in times) for start in times)


async def test_routine_posts_are_spaced_evenly(clock: Clock) -> None:
    paced = pacer(clock, per_minute=20)  # one every 3 s
    times = [await sent_at(clock, paced) for _ in range(6)]
    assert times == pytest.approx([0, 3, 6, 9, 12, 15])


async def test_spacing_follows_the_configured_rate(clock: Clock) -> None:
    paced = pacer(clock, per_minute=7)
    times = [await sent_at(clock, paced) for _ in range(8)]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps == pytest.approx([60 / 7] * 7, abs=0.01)
    assert most_in_any_window(times) <= 7


async def test_a_quiet_pause_does_not_earn_a_burst(clock: Clock) -> None:
    paced = pacer(clock, per_minute=20)
    await paced.acquire()
    clock.now += 600  # ten quiet minutes
    first = await sent_at(clock, paced)
    second = await sent_at(clock, paced)
    assert second - first == pytest.approx(3)


async def test_urgent_posts_skip_the_spacing_but_not_the_window(clock: Clock) -> None:
    paced = pacer(clock, per_minute=3)
    times = [await sent_at(clock, paced, urgent=True) for _ in range(7)]
    assert times[:3] == [0, 0, 0]  # no spacing for breaking news
    assert times[3] == pytest.approx(WINDOW_SECONDS, abs=0.01)  # the fourth waits for the window
    assert most_in_any_window(times) == 3  # never more than N in any 60 s: the window slides


async def test_a_mix_never_exceeds_the_window(clock: Clock) -> None:
    paced = pacer(clock, per_minute=4)
    pattern = [False, True, True, False, True, True, False, False, True, True, True, False]
    times = [await sent_at(clock, paced, urgent=urgent) for urgent in pattern]
    assert times == sorted(times)
    assert most_in_any_window(times) <= 4


async def test_breaking_goes_ahead_of_a_routine_post_already_waiting(clock: Clock) -> None:
    paced = pacer(clock, per_minute=2)
    order: list[str] = []

    async def post(name: str, *, urgent: bool) -> None:
        await paced.acquire(urgent=urgent)
        order.append(name)

    await post("urgent 1", urgent=True)
    await post("urgent 2", urgent=True)  # the window is now full for a minute
    routine = asyncio.create_task(post("routine", urgent=False))
    await asyncio.sleep(0)  # the routine post is now waiting for its slot
    clock.now += 1
    breaking = asyncio.create_task(post("breaking", urgent=True))
    await asyncio.wait_for(asyncio.gather(routine, breaking), 5)
    assert order == ["urgent 1", "urgent 2", "breaking", "routine"]


# --- two processes, one channel: the pace in the store ---------------------------------------


@pytest.fixture
async def db(store: TestStore) -> AsyncIterator[Database]:
    opened = await Database.open(store.settings())
    yield opened
    await opened.close()


def process_pacer(clock: Clock, db: Database, per_minute: int) -> ChannelPacer:
    """One process's pacer for channel "news", sharing its pace through the store."""
    shared = StorePace(db, "news", per_minute, wall=clock)
    return ChannelPacer(per_minute, clock=clock, sleep=clock.sleep, shared=shared)


async def test_two_processes_share_the_spacing(clock: Clock, db: Database) -> None:
    run, publish = process_pacer(clock, db, 20), process_pacer(clock, db, 20)

    async def post(pacer: ChannelPacer, count: int) -> None:
        for _ in range(count):
            await pacer.acquire()

    await asyncio.wait_for(asyncio.gather(post(run, 4), post(publish, 4)), 10)
    # The store's record of the slots taken (each task's own view of the shared simulated
    # clock may run late while the other one sleeps).
    sent = await ChannelPaceRepository(db.store).sent("news")
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert len(sent) == 8
    assert min(gaps) >= 3 - 0.01  # one every 3 s between them, not each


async def test_one_process_fills_the_window_and_the_other_waits(
    clock: Clock, db: Database
) -> None:
    run, publish = process_pacer(clock, db, 3), process_pacer(clock, db, 3)
    burst = [await sent_at(clock, run, urgent=True) for _ in range(3)]  # breaking news
    assert burst == [0, 0, 0]
    routine = await sent_at(clock, publish)  # its own pacer has sent nothing
    urgent = await sent_at(clock, publish, urgent=True)
    assert routine == pytest.approx(WINDOW_SECONDS, abs=0.01)
    assert most_in_any_window([*burst, routine, urgent]) <= 3
