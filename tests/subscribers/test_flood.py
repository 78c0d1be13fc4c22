"""FloodGuard: a sliding window per user, one warning per window, others unaffected."""

from __future__ import annotations

from bot.subscribers import FloodGuard, FloodVerdict


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_limit_warn_once_then_recover() -> None:
    clock = Clock()
    guard = FloodGuard(max_actions=20, window_seconds=10.0, clock=clock)
    verdicts = []
    for _ in range(25):
        verdicts.append(guard.check(1))
        clock.now += 0.1
    assert verdicts[:20] == [FloodVerdict.ALLOW] * 20
    assert verdicts[20:] == [FloodVerdict.SLOW_DOWN] + [FloodVerdict.DROP] * 4
    assert guard.check(2) is FloodVerdict.ALLOW  # someone else is unaffected
    clock.now += 10.0
    assert guard.check(1) is FloodVerdict.ALLOW  # a quiet window later, all is forgiven


def test_steady_pace_under_the_limit_is_never_slowed() -> None:
    clock = Clock()
    guard = FloodGuard(max_actions=20, window_seconds=10.0, clock=clock)
    for _ in range(500):
        assert guard.check(1) is FloodVerdict.ALLOW
        clock.now += 0.6
