"""A feed source's fetch state: validators, health and back-off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SourceState:
    """One source's fetch bookkeeping."""

    name: str
    etag: str | None = None
    last_modified: str | None = None
    content_sha256: str | None = None
    entry_count: int = 0
    last_fetch_at: datetime | None = None
    last_success_at: datetime | None = None
    failing_since: datetime | None = None
    consecutive_failures: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    first_fetch_done: bool = False
    alerted: bool = False
