"""FloodGuard: a per-user sliding window, so one flooding user cannot starve everyone else.

Counted in memory (a restart forgets, which is harmless), with no store access: the guard runs
before every handler and must cost microseconds. Every attempt counts, including refused ones,
so a user who keeps hammering stays slowed until they pause for a whole window.
"""

from __future__ import annotations

import enum
import time
from collections import deque
from collections.abc import Callable

MAX_ACTIONS = 20
WINDOW_SECONDS = 10.0
# Forget idle users now and then so the table does not grow with every user ever seen.
_SWEEP_EVERY = 10_000


class FloodVerdict(enum.Enum):
    """What to do with one action."""

    ALLOW = "allow"
    SLOW_DOWN = "slow_down"  # over the limit: tell the user (once per window)
    DROP = "drop"  # still over the limit and already told


class FloodGuard:
    """Allows up to `max_actions` per user in any `window_seconds`."""

    def __init__(
        self,
        max_actions: int = MAX_ACTIONS,
        window_seconds: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max = max_actions
        self._window = window_seconds
        self._clock = clock
        self._actions: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}
        self._checks = 0

    def check(self, user_id: int) -> FloodVerdict:
        """Record an action by `user_id` and say whether to handle it."""
        now = self._clock()
        self._checks += 1
        if self._checks % _SWEEP_EVERY == 0:
            self._sweep(now)
        recent = self._actions.setdefault(user_id, deque())
        while recent and recent[0] <= now - self._window:
            recent.popleft()
        recent.append(now)
        if len(recent) <= self._max:
            return FloodVerdict.ALLOW
        if len(recent) > 2 * self._max:  # bound the memory a single flooder can use
            recent.popleft()
        warned = self._warned.get(user_id)
        if warned is not None and warned > now - self._window:
            return FloodVerdict.DROP
        self._warned[user_id] = now
        return FloodVerdict.SLOW_DOWN

    def _sweep(self, now: float) -> None:
        idle = [uid for uid, recent in self._actions.items() if recent[-1] <= now - self._window]
        for uid in idle:
            del self._actions[uid]
            self._warned.pop(uid, None)
