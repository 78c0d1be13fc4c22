"""Whether the store answers: one outage is one warning in the log and one pair of notices.

The PostgreSQL engine reports here when it gave up reaching the server (`failed`) and when an
operation succeeded (`answered`); only the changes between the two reach the log and the
listeners (the bot tells its editors), so an outage that fails every query for ten minutes is
one "unreachable" and one "back", never a line per query. A SQLite store never reports: a file
does not go away while the bot runs (a full disk is `StoreNotWritableError`, per transaction).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

# Told `(True, reason)` when the store became unreachable, `(False, "")` when it is back.
Listener = Callable[[bool, str], None]


class StoreHealth:
    """The store's state as the engine last saw it, and who wants to hear when it changes."""

    def __init__(self, where: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.where = where
        self._clock = clock
        self.down_since: float | None = None
        self._listeners: list[Listener] = []

    @property
    def down(self) -> bool:
        """Whether the last attempt to reach the store failed (operations then fail fast)."""
        return self.down_since is not None

    def listen(self, listener: Listener) -> None:
        """Call `listener` on every change between reachable and unreachable."""
        self._listeners.append(listener)

    def failed(self, reason: str) -> None:
        """The engine gave up reaching the store; the first failure of an outage is told."""
        if self.down_since is not None:
            return
        self.down_since = self._clock()
        logger.warning("the store at %s is unreachable (%s); retrying", self.where, reason)
        self._tell(True, reason)

    def answered(self) -> None:
        """An operation succeeded; if the store was down, it is back."""
        if self.down_since is None:
            return
        lasted = self._clock() - self.down_since
        self.down_since = None
        logger.warning("the store at %s answers again after %.0f s", self.where, lasted)
        self._tell(False, "")

    def _tell(self, down: bool, reason: str) -> None:
        for listener in self._listeners:
            try:
                listener(down, reason)
            except Exception:  # a listener's bug must not turn a query's result into an error
                logger.exception("a store health listener failed")
