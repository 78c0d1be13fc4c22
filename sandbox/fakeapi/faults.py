"""Failures the double can produce on purpose: API errors, flood limits, lost answers.

A bot's resilience code (retry after 429, stop on 403, do not double-post after a timeout) is
only exercised when Telegram misbehaves, which never happens on demand. Tests queue a ``Fault``
for the next calls of a method, or switch on Telegram-like flood limits, and the server turns
them into exactly the HTTP answers (or missing answers) the real API would give.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any, Literal

# Telegram's limit for paid broadcasts (`allow_paid_broadcast`, paid in Stars).
PAID_BROADCAST_PER_SECOND = 1000

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)

FaultKind = Literal["error", "timeout", "drop"]


class ApiError(Exception):
    """An error answer: HTTP status, Telegram description and optional ``parameters``."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, int] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = dict(self.parameters)
        return body


def bad_request(description: str) -> ApiError:
    """A 400 answer; ``description`` is given without the "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {description}")


def forbidden(description: str) -> ApiError:
    """A 403 answer; ``description`` is given without the "Forbidden: " prefix."""
    return ApiError(403, f"Forbidden: {description}")


def too_many_requests(retry_after: int) -> ApiError:
    """A 429 answer carrying ``parameters.retry_after``."""
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


@dataclass(frozen=True)
class Fault:
    """One injected misbehaviour; build it with the class-method factories."""

    kind: FaultKind
    status: int = 0
    description: str = ""
    retry_after_seconds: int | None = None
    migrate_to_chat_id: int | None = None
    seconds: float = 0.0
    applied: bool = False

    @classmethod
    def retry_after(cls, seconds: int) -> Fault:
        """A 429 flood-wait answer with ``parameters.retry_after``."""
        return cls(
            "error", 429, f"Too Many Requests: retry after {seconds}", retry_after_seconds=seconds
        )

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        """A 5xx answer, as Telegram gives during an outage."""
        return cls("error", status, "Internal Server Error")

    @classmethod
    def bad_request(cls, description: str) -> Fault:
        """A 400 answer with the given full description ("Bad Request: ...")."""
        return cls("error", 400, description)

    @classmethod
    def forbidden(cls, description: str) -> Fault:
        """A 403 answer with the given full description ("Forbidden: ...")."""
        return cls("error", 403, description)

    @classmethod
    def chat_migrated(cls, new_chat_id: int) -> Fault:
        """A 400 answer telling the client the group became a supergroup."""
        return cls(
            "error",
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            migrate_to_chat_id=new_chat_id,
        )

    @classmethod
    def not_modified(cls) -> Fault:
        """The 400 "message is not modified" answer."""
        return cls("error", 400, NOT_MODIFIED)

    @classmethod
    def timeout(cls, seconds: float, applied: bool = True) -> Fault:
        """Hold the answer ``seconds`` (or until stop); the call takes effect if ``applied``."""
        return cls("timeout", seconds=seconds, applied=applied)

    @classmethod
    def drop_connection(cls, applied: bool = False) -> Fault:
        """Close the socket without an answer; the call takes effect first if ``applied``."""
        return cls("drop", applied=applied)

    def error(self) -> ApiError:
        """The ApiError an ``error`` fault answers with."""
        params: dict[str, int] = {}
        if self.retry_after_seconds is not None:
            params["retry_after"] = self.retry_after_seconds
        if self.migrate_to_chat_id is not None:
            params["migrate_to_chat_id"] = self.migrate_to_chat_id
        return ApiError(self.status, self.description, params or None)


class FaultQueue:
    """FIFO of pending faults per method (matched case-insensitively, like Telegram)."""

    def __init__(self) -> None:
        self._pending: dict[str, deque[Fault]] = {}

    def add(self, method: str, fault: Fault, times: int = 1) -> None:
        """Queue ``fault`` for the next ``times`` calls of ``method``."""
        queue = self._pending.setdefault(method.lower(), deque())
        queue.extend([fault] * times)

    def take(self, method: str) -> Fault | None:
        """Pop the fault for this call of ``method``, if any."""
        queue = self._pending.get(method.lower())
        return queue.popleft() if queue else None

    def clear(self) -> None:
        """Forget every pending fault."""
        self._pending.clear()


class RateLimiter:
    """Sliding-window flood control per chat (per minute) and overall (per second).

    As Telegram counts them, paid broadcasts (`allow_paid_broadcast`) are apart from the
    overall limit: while that limit is on, they have their own, 1000 a second by default.
    """

    def __init__(self) -> None:
        self.per_chat_minute: int | None = None
        self.global_second: int | None = None
        self.paid_second = PAID_BROADCAST_PER_SECOND
        self._chat_sends: dict[int, deque[float]] = {}
        self._all_sends: deque[float] = deque()
        self._paid_sends: deque[float] = deque()

    def check(self, chat_id: int, now: float, *, paid: bool = False) -> None:
        """Raise a 429 ApiError when a send to ``chat_id`` now would exceed a limit."""
        if self.global_second is not None:
            window = self._paid_sends if paid else self._all_sends
            limit = self.paid_second if paid else self.global_second
            _expire(window, now, 1.0)
            if len(window) >= limit:
                raise too_many_requests(_wait(window[0] + 1.0 - now))
        if self.per_chat_minute is not None:
            sends = self._chat_sends.get(chat_id, deque())
            _expire(sends, now, 60.0)
            if len(sends) >= self.per_chat_minute:
                raise too_many_requests(_wait(sends[0] + 60.0 - now))

    def record(self, chat_id: int, now: float, *, paid: bool = False) -> None:
        """Count a successful send."""
        (self._paid_sends if paid else self._all_sends).append(now)
        self._chat_sends.setdefault(chat_id, deque()).append(now)


def _expire(window: deque[float], now: float, span: float) -> None:
    while window and window[0] <= now - span:
        window.popleft()


def _wait(seconds: float) -> int:
    return max(1, math.ceil(seconds))
