"""Spacing channel posts within the configured per-minute limit.

Routine posts are spread evenly (one every 60/N seconds) and never more than N in any 60-second
window. An urgent post (breaking news) skips the even spacing and goes ahead of any routine post
waiting for its slot, but still respects the N-per-minute window, which is Telegram's limit.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

WINDOW_SECONDS = 60.0


class ChannelPacer:
    """Hands out send slots for one channel."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        # `clock` and `sleep` go together: a test passes a simulated pair and runs in no time.
        self._per_minute = per_minute
        self._interval = WINDOW_SECONDS / per_minute
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque(maxlen=per_minute)
        self._urgent_waiting = 0

    def _wait(self, now: float, *, urgent: bool) -> float:
        wait = 0.0
        if len(self._sent) == self._per_minute:
            # Slightly past the window edge, so the oldest post is surely outside it.
            wait = self._sent[0] + WINDOW_SECONDS + 0.001 - now
        if not urgent and self._sent:
            wait = max(wait, self._sent[-1] + self._interval - now)
        return wait

    async def acquire(self, *, urgent: bool = False) -> None:
        """Wait until a post may go out now, and count it as sent."""
        if urgent:
            self._urgent_waiting += 1
        try:
            while True:
                now = self._clock()
                wait = self._wait(now, urgent=urgent)
                if wait <= 0 and (urgent or self._urgent_waiting == 0):
                    self._sent.append(now)
                    return
                await self._sleep(min(max(wait, 0.005), 1.0))
        finally:
            if urgent:
                self._urgent_waiting -= 1
