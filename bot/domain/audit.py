"""The editors' record: audited actions and commands held while the bot was down."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AuditEntry:
    """One admin action."""

    id: int
    at: datetime
    actor_id: int
    actor: str
    action: str
    target: str
    result: str


@dataclass(frozen=True)
class HeldCommand:
    """An admin command that arrived too late to run without asking again."""

    id: int
    actor_id: int
    command: str
    args: str
    photo_file_id: str | None
    sent_at: datetime
    held_at: datetime
    state: str
