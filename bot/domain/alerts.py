"""Breaking-news alerts by private message: an alert, its recipients, how each send went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

RECIPIENT_STATES = ("pending", "sending", "sent", "failed", "blocked", "uncertain")


@dataclass(frozen=True)
class Alert:
    """One breaking alert."""

    id: int
    article_id: int
    post_url: str | None
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class Recipient:
    """One user to alert, in the language they read."""

    user_id: int
    language: str | None


@dataclass(frozen=True)
class Outcome:
    """How sending to one recipient ended; `blocked` users are also marked inactive."""

    user_id: int
    state: str
    error: str | None = None
