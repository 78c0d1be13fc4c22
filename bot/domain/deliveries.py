"""Where each article stands on its way to the channel."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class DeliveryState(enum.StrEnum):
    """The stored states of a delivery."""

    PENDING = "pending"
    SENDING = "sending"
    POSTED = "posted"
    FAILED = "failed"
    SKIPPED = "skipped"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class Delivery:
    """One article's delivery record in one channel (`channel` is the configured name)."""

    article_id: int
    channel: str
    state: DeliveryState
    chat_id: str | None
    message_id: int | None
    posted_at: datetime | None
    has_photo: bool
    content_hash: str | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    skip_reason: str | None
    updated_at: datetime


@dataclass(frozen=True)
class RoutingFacts:
    """What routing reads of an article not yet adopted: its language, category and source."""

    article_id: int
    language: str | None
    category: str | None
    source: str | None
    # Adoption's verdict before routing: None (due), or why the article is skipped.
    skip_reason: str | None
    not_before: str | None  # a future published_at, as stored: the post waits for it


class FailureKind(enum.Enum):
    """How the publisher reacts."""

    RATE_LIMITED = "rate limited"  # wait retry_after, resend the same post
    TRANSIENT = "transient"  # not sent: retry with back-off
    AMBIGUOUS = "ambiguous"  # may have been posted: ask a person
    BAD_MARKUP = "bad markup"  # resend once as plain text
    BAD_PHOTO = "bad photo"  # resend as text with a link preview
    CHANNEL_LOST = "channel lost"  # pause publishing, tell the admins, probe
    MIGRATED = "migrated"  # follow the channel's new id
    NOT_MODIFIED = "not modified"  # an edit that changed nothing: harmless
    PERMANENT = "permanent"  # Telegram refuses this post: record and move on


@dataclass(frozen=True)
class Failure:
    """A classified Bot API error."""

    kind: FailureKind
    description: str
    retry_after: float = 0.0
    new_chat_id: int | None = None


@dataclass(frozen=True)
class ChannelQueue:
    """One channel's routine queue at a glance, for /status: how much waits, how late."""

    channel: str
    pending: int
    last_post: datetime | None
    oldest_due: datetime | None  # publication time of the oldest article due and waiting
