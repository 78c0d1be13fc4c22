"""Subscribers as the store knows them: who was seen, and with what language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Sighting:
    """That a user did something at a time; `reachable` if it was in private chat with us."""

    user_id: int
    language_code: str | None
    at: datetime
    reachable: bool


@dataclass(frozen=True)
class UserRecord:
    """A stored user."""

    id: int
    language: str | None
    language_code: str | None
    alerts_opt_in: bool
    active: bool
    first_seen: datetime
    last_seen: datetime
