"""Breaking news pushed by an editor: the preview awaiting a decision, the post it made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Preview:
    """A breaking item shown to an editor, with its decision so far."""

    id: int
    actor_id: int
    text: str | None
    photo_file_id: str | None
    article_id: int | None
    fingerprint: str
    created_at: datetime
    state: str
    decided_at: datetime | None
    message_id: int | None
    # The channels the editor chose (configuration order); None: where routing sends it.
    channels: tuple[str, ...] | None = None


@dataclass(frozen=True)
class BreakingPost:
    """A channel post made as breaking news (one per channel it went to)."""

    article_id: int
    channel: str
    chat_id: str
    message_id: int
    photo_file_id: str | None
    posted_at: datetime
    pinned: bool
    unpin_at: datetime | None
