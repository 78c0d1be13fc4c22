"""The clock every service reads, so tests and the demo can pass their own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock: aware UTC now."""
    return datetime.now(UTC)
