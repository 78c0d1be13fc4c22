"""Waiting for the bot: deadline-bounded polling instead of sleeps in tests.

The bot reacts asynchronously (its own polling loop, job queue, retries), so a test must wait
for an observable effect. These helpers poll a predicate against the double's state with a
deadline and fail with the recent call log, which is usually the fastest way to see why.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sandbox.fakeapi.models import JsonDict, RecordedCall

T = TypeVar("T")


class WaitingMixin:
    """Waiting helpers; the host class provides ``calls``, ``version`` and ``wait_for_change``."""

    @property
    def calls(self) -> list[RecordedCall]:
        """Every call so far, oldest first."""
        raise NotImplementedError

    @property
    def version(self) -> int:
        """Increases on every state change."""
        raise NotImplementedError

    def wait_for_change(self, version: int, timeout: float) -> int:
        """Block until the state version passes ``version`` or ``timeout`` elapses."""
        raise NotImplementedError

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 15.0,  # noqa: ASYNC109 - a deadline argument is the documented API
    ) -> T:
        """Poll ``predicate`` every 10 ms until truthy; return its value or raise TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(self._timeout_message(predicate, timeout))
            await asyncio.sleep(0.01)

    def wait_for_sync(self, predicate: Callable[[], T | None], timeout: float = 15.0) -> T:
        """Blocking :meth:`wait_for` for synchronous code (waits on state changes)."""
        deadline = time.monotonic() + timeout
        while True:
            seen = self.version
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(self._timeout_message(predicate, timeout))
            self.wait_for_change(seen, min(remaining, 0.05))

    async def wait_for_call(
        self,
        method: str,
        where: Callable[[JsonDict], bool] | None = None,
        timeout: float = 15.0,  # noqa: ASYNC109 - a deadline argument is the documented API
        *,
        since: int = 0,
    ) -> RecordedCall:
        """The first recorded call of ``method`` (from index ``since``) matching ``where``."""

        def find() -> RecordedCall | None:
            for call in self.calls[since:]:
                if call.method.lower() == method.lower() and (where is None or where(call.params)):
                    return call
            return None

        find.__qualname__ = f"call of {method}"
        return await self.wait_for(find, timeout)

    def _timeout_message(self, predicate: Callable[[], Any], timeout: float) -> str:
        name = getattr(predicate, "__qualname__", repr(predicate))
        recent = ", ".join(f"{c.method}->{c.status}" for c in self.calls[-8:]) or "none"
        return f"{name} not met within {timeout:g}s; last calls: {recent}"
