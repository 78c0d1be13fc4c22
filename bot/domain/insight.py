"""What readers did with each story: the numbers editors see (never who did it)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PostStats:
    """One channel post of a story and what readers did with it.

    `saves` are the story's: a reader saves a story, not a post, so the same favorite made from
    two channels' posts counts once, and each post of the story shows it. `saves_first_hour`
    counts readers whose first save fell in this post's first hour (a later removal included);
    `reactions` are this post's own (Telegram counts them per message).
    """

    article_id: int
    guid: str
    title: str
    url: str | None
    category: str | None
    language: str | None
    published_at: datetime | None  # None when the site stored a time nobody can read
    channel: str
    chat_id: str | None
    message_id: int | None
    posted_at: datetime
    saves: int
    saves_first_hour: int
    reactions: int
    corrections: int
    retracted: bool

    @property
    def lag_seconds(self) -> float | None:
        """Publication to post; None when the publication time is unknown."""
        if self.published_at is None:
            return None
        return max(0.0, (self.posted_at - self.published_at).total_seconds())

    @property
    def score(self) -> int:
        """What /top and the digest rank by (ties go to the newer post)."""
        return self.saves + self.reactions


@dataclass(frozen=True)
class PostReactions:
    """The latest reaction counts Telegram sent for one channel post."""

    channel: str
    message_id: int
    counts: dict[str, int]  # "👍", "custom:<id>" or "paid" → how many
    counted_at: datetime

    @property
    def total(self) -> int:
        """Every reaction on the post."""
        return sum(self.counts.values())


class SendState(enum.StrEnum):
    """Where a scheduled insight send (a digest, a weekly report) stands for its period."""

    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class InsightSend:
    """One claimed digest or weekly report: what, for whom, for which day or week."""

    kind: str  # "digest" or "weekly"
    target: str  # the channel's name, or the editor's user id
    period: str  # "2026-12-03" or "2026-W49"
    state: SendState
    message_id: int | None
    detail: str | None
    updated_at: datetime
