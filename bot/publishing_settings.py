"""`[publishing]`, `[breaking]` and `[alerts]`: how posts and alerts leave the desk, and how fast.

The three share Telegram's flood limits (about 20 posts a minute per channel, 30 messages a
second per bot), so their ceilings are checked together here.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from bot.channel_settings import DIGEST_SIZE, DigestAt, DigestSize
from bot.settings_section import Section


class PublishingSettings(Section):
    """How routine articles reach the channel."""

    enabled: bool = True
    interval_seconds: Annotated[int, Field(ge=1, le=86_400)] = 30
    max_posts_per_minute: Annotated[int, Field(ge=1, le=6_000)] = 20
    silent: bool = True
    backlog_max_age_hours: Annotated[float, Field(ge=0)] = 24
    retry_backoff_seconds: Annotated[float, Field(gt=0, le=600)] = 1.0
    # Every channel's daily digest, unless the channel sets its own (see ChannelSettings).
    digest_at: DigestAt = None
    digest_size: DigestSize = DIGEST_SIZE


class BreakingSettings(Section):
    """How a breaking item reaches the channel."""

    # Pin the post so it stays on top of the channel.
    pin: bool = True
    # Take the pin off after this many hours; 0 keeps it until an editor unpins it.
    unpin_after_hours: Annotated[float, Field(ge=0, le=24 * 30)] = 6.0
    # Show a preview with Publish / Cancel first; false posts at once (for practised editors).
    confirm: bool = True
    # A preview older than this cannot be published: the news may have moved on.
    confirm_timeout_minutes: Annotated[float, Field(gt=0, le=24 * 60)] = 10.0


# Telegram's limits on a bot's messages: about 30 a second overall, free; with paid broadcasts
# (`allow_paid_broadcast`, 0.1 Star a message from the bot's balance) up to 1000 a second.
FREE_MESSAGES_PER_SECOND = 30
PAID_MESSAGES_PER_SECOND = 1000


class AlertSettings(Section):
    """Breaking news by private message to subscribers who opted in (/alerts on)."""

    enabled: bool = True
    # Send alerts as Telegram paid broadcasts: up to 1000 a second, paid in Stars.
    paid_broadcast: bool = False
    # Without paid broadcasts, Telegram allows about 30 messages a second overall and the
    # bot's own replies share them (keep at or below telegram.max_requests_per_second, the
    # client-side limiter). Paid broadcasts have their own limit of 1000.
    max_per_second: Annotated[int, Field(ge=1)] = 30

    @field_validator("max_per_second")
    @classmethod
    def _within_telegram_limit(cls, value: int, info: ValidationInfo) -> int:
        # Declared after paid_broadcast, so its (valid) value is known here.
        paid = info.data.get("paid_broadcast") is True
        if paid and value > PAID_MESSAGES_PER_SECOND:
            raise ValueError(
                f"at most {PAID_MESSAGES_PER_SECOND}: Telegram's paid broadcasts allow up to "
                f"{PAID_MESSAGES_PER_SECOND} messages a second"
            )
        if not paid and value > FREE_MESSAGES_PER_SECOND:
            raise ValueError(
                f"more than {FREE_MESSAGES_PER_SECOND} needs alerts.paid_broadcast = true: "
                f"Telegram allows a bot about {FREE_MESSAGES_PER_SECOND} messages a second "
                f"(paid broadcasts, in Stars, up to {PAID_MESSAGES_PER_SECOND})"
            )
        return value
