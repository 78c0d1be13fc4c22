"""Which process holds the bot's instance lease on a store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class LeaseHolder:
    """Who holds the lease."""

    holder: str
    hostname: str
    pid: int
    heartbeat_at: datetime
