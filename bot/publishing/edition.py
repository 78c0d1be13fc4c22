"""One channel's publishing machinery: its pacer and sender, its chat, pause and quiet hours.

Each configured channel gets its own `Edition`, so a channel is paced at its own
`max_posts_per_minute` (across every process posting to it: bot.publishing.pacing), a 429 or
a lost channel holds that channel alone, and its quiet hours apply to it alone. The overall Bot
API budget stays the application's one `AIORateLimiter`.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from telegram import Bot

from bot.channel_settings import ChannelSettings
from bot.clock import Clock
from bot.config import Settings
from bot.publishing.channel import ChannelSender
from bot.publishing.pacing import ChannelPacer, StorePace
from bot.publishing.sending import ArticleSender
from storage.database import Database


class Edition:
    """A configured channel and what publishing to it needs."""

    def __init__(
        self,
        settings: Settings,
        channel: ChannelSettings,
        *,
        db: Database,
        bot: Bot,
        clock: Clock,
        stopping: asyncio.Event,
    ) -> None:
        self.settings = channel
        self.name = channel.name
        self._site_tz = settings.site.tz
        self._quiet = channel.quiet  # parsed once: asked before every post
        # Paced here (urgent first) and in the store, with every process posting to the channel.
        per_minute = channel.max_posts_per_minute
        pacer = ChannelPacer(per_minute, shared=StorePace(db, channel.name, per_minute))
        self.sender = ChannelSender(bot, pacer)
        self.articles = ArticleSender(
            settings, channel, db=db, sender=self.sender, clock=clock, stopping=stopping
        )

    def quiet_at(self, now: datetime) -> bool:
        """Whether `now` falls in the channel's quiet hours (in the site's zone)."""
        window = self._quiet
        return window is not None and window.contains(now.astimezone(self._site_tz))

    def holds_routine(self, now: datetime) -> bool:
        """Routine posts wait: quiet hours in "hold" mode."""
        return self.quiet_at(now) and self.settings.quiet_mode == "hold"

    def routine_silent(self, now: datetime) -> bool:
        """Whether a routine post goes out without sound now."""
        return self.settings.silent or (
            self.quiet_at(now) and self.settings.quiet_mode == "silent"
        )


def build_editions(
    settings: Settings, *, db: Database, bot: Bot, clock: Clock, stopping: asyncio.Event
) -> dict[str, Edition]:
    """Every configured channel's `Edition`, by name, in configuration order."""
    return {
        channel.name: Edition(settings, channel, db=db, bot=bot, clock=clock, stopping=stopping)
        for channel in settings.channels
    }
