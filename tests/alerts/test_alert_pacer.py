"""The alerts' pacer, on a simulated clock: even pace, the one-second cap, 429 holds."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.alerts import sender as alert_sender
from bot.alerts.sender import RatePacer


class Clock:
    """A monotonic clock that only moves when the pacer sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.naps = 0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.naps += 1
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    simulated = Clock()
    monkeypatch.setattr(alert_sender.asyncio, "sleep", simulated.sleep)
    return simulated


async def test_even_pace_then_unanswered_sends_keep_counting(
    clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    pacer = RatePacer(100, clock)  # pace 97/s, at most 98 counted in any second
    times = []
    for _ in range(98):
        assert await pacer.acquire()
        times.append(clock.now)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(gap == pytest.approx(1 / 97) for gap in gaps)

    # None of the 98 was answered: Telegram may still count them all, so the 99th waits.
    stopping = asyncio.Event()
    naps_before = clock.naps

    async def give_up_after_a_while(seconds: float) -> None:
        clock.now += seconds
        clock.naps += 1
        if clock.naps - naps_before > 50:
            stopping.set()

    monkeypatch.setattr(alert_sender.asyncio, "sleep", give_up_after_a_while)
    assert not await pacer.acquire(stopping)
    monkeypatch.setattr(alert_sender.asyncio, "sleep", clock.sleep)

    # Answered now: each still counts for a second after its answer, not after it left.
    answered_at = clock.now
    for _ in range(98):
        pacer.release()
    assert await pacer.acquire()
    assert clock.now >= answered_at + 1.0


async def test_a_429_holds_everyone_then_the_pace_resumes(clock: Clock) -> None:
    pacer = RatePacer(30, clock)
    assert await pacer.acquire()
    pacer.release()
    pacer.hold(2.0)
    held_from = clock.now
    assert await pacer.acquire()
    assert clock.now >= held_from + 2.0
    pacer.release()
    second = clock.now
    assert await pacer.acquire()
    assert clock.now - second == pytest.approx(1 / 29)
