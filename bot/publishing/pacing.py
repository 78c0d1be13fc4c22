"""Spacing channel posts within the configured per-minute limit, in this process and across all.

Routine posts are spread evenly (one every 60/N seconds) and never more than N in any 60-second
window. An urgent post (breaking news) skips the even spacing and goes ahead of any routine post
waiting for its slot, but still respects the N-per-minute window, which is Telegram's limit.

`ChannelPacer` keeps this process's order (urgent first) and its own record of its sends. Every
process posting to a channel — `newsdesk run` and a `newsdesk publish` beside it, or several
workers — also asks the channel's pace in the store (`StorePace`, storage.pace) before each send,
which holds every process's sends under the same rules: together they stay within N a minute.
The store is asked only once this process's own rules allow the send, so a lone process asks once
per post and is never slowed (bench/publish.py: rate_ratio unchanged).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.domain.errors import SendInterruptedError, StoreUnavailableError
from storage.database import Database
from storage.pace import WINDOW_MARGIN, WINDOW_SECONDS, ChannelPaceRepository

logger = logging.getLogger(__name__)

# A shorter wait for the shared pace is clock jitter between this process and the store, not
# another process's post: not worth a log line.
HELD_LOG_SECONDS = 0.1
SHARED_AHEAD_SECONDS = 0.02


class SharedPace(Protocol):
    """A channel's pace shared with the other processes posting to it."""

    channel: str

    async def claim(self, *, urgent: bool, ahead: float = 0.0) -> float:
        """Take the slot `ahead` seconds from now: 0 or less if taken, else the seconds to wait
        after it before asking again."""
        ...


class StorePace:
    """The channel's pace in the store (storage.pace), on the wall clock every host shares."""

    def __init__(
        self,
        db: Database,
        channel: str,
        per_minute: int,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self.channel = channel
        self._per_minute = per_minute
        self._wall = wall
        self._down = False

    async def claim(self, *, urgent: bool, ahead: float = 0.0) -> float:
        """One atomic write in the store; while the store cannot be reached, this process's own
        pace alone holds (its post is claimed already, and recording it waits for the store)."""
        # Read before the transaction: the time the caller's own rules allowed the send. Read
        # after waiting for the write lock, it was up to 30 ms later than the caller's record,
        # and the next post was refused by that much (bench/publish.py: 11 refusals in 200).
        now = self._wall() + ahead
        try:
            async with self._db.write() as conn:
                wait = await ChannelPaceRepository(conn).claim(
                    self.channel, now=now, per_minute=self._per_minute, urgent=urgent
                )
        except StoreUnavailableError as exc:
            if not self._down:
                logger.warning(
                    "channel %s: the shared pace is out of reach (%s); pacing this process alone",
                    self.channel,
                    exc,
                )
            self._down = True
            return 0.0
        self._down = False
        return wait


class ChannelPacer:
    """Hands out send slots for one channel."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        *,
        shared: SharedPace | None = None,
    ) -> None:
        # `clock` and `sleep` go together: a test passes a simulated pair and runs in no time.
        self._per_minute = per_minute
        self._interval = WINDOW_SECONDS / per_minute
        self._clock = clock
        self._sleep = sleep
        self._shared = shared
        # The store is asked this long before the slot, so its write overlaps the wait rather
        # than delaying the send (bench/publish.py under load: 0.89-0.99 of the rate without).
        self._ahead = SHARED_AHEAD_SECONDS if shared is not None else 0.0
        self._sent: deque[float] = deque(maxlen=per_minute)
        self._urgent_waiting = 0

    def _wait(self, now: float, *, urgent: bool) -> float:
        wait = 0.0
        if len(self._sent) == self._per_minute:
            # Slightly past the window edge, so the oldest post is surely outside it.
            wait = self._sent[0] + WINDOW_SECONDS + WINDOW_MARGIN - now
        if not urgent and self._sent:
            wait = max(wait, self._sent[-1] + self._interval - now)
        return wait

    async def acquire(
        self, *, urgent: bool = False, stopping: asyncio.Event | None = None
    ) -> None:
        """Wait until a post may go out now, and count it as sent; raise `SendInterruptedError`
        if `stopping` is set meanwhile (a full window waits up to a minute)."""
        if urgent:
            self._urgent_waiting += 1
        held = False
        try:
            while True:
                now = self._clock()
                wait = self._wait(now, urgent=urgent)
                if wait <= self._ahead and (urgent or self._urgent_waiting == 0):
                    slot = now + max(wait, 0.0)
                    shared = 0.0
                    if self._shared is not None:
                        shared = await self._shared.claim(urgent=urgent, ahead=slot - now)
                    if shared <= 0:
                        # The planned slot, not the time the answer came: the write's latency
                        # must not add to every interval (it cost 6% of the rate at 600/min).
                        self._sent.append(slot)
                        if (late := slot - self._clock()) > 0:
                            await self._sleep(late)
                        return
                    if not held and shared >= HELD_LOG_SECONDS:
                        # Once per post: another process used the channel's slots.
                        held = True
                        logger.info(
                            "channel %s: a post waits %.1f s for the shared pace "
                            "(another process posted)",
                            self._shared.channel if self._shared is not None else "?",
                            shared,
                        )
                    wait = slot - self._clock() + shared
                if stopping is not None and stopping.is_set():
                    raise SendInterruptedError
                await self._sleep(min(max(wait, 0.005), 1.0))
        finally:
            if urgent:
                self._urgent_waiting -= 1
