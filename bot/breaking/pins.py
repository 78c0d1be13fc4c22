"""Pinning breaking posts, and taking the pin off once `breaking.unpin_after_hours` is over.

The unpin time is stored with the post (`breaking_posts`), and a JobQueue job calls `unpin_due`
every minute, so a restart never leaves a stale story pinned on top of the channel for good.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, tzinfo

from telegram import Bot
from telegram.error import TelegramError

from bot import catalogue
from bot.channel_settings import chat_ref
from bot.clock import Clock
from bot.control.editors import esc, when
from bot.publishing_settings import BreakingSettings
from storage.breaking import BreakingPostRepository
from storage.database import Database

logger = logging.getLogger(__name__)

UNPIN_JOB_SECONDS = 60.0


class PinService:
    """Pins and unpins breaking posts in the channel."""

    def __init__(
        self, db: Database, bot: Bot, breaking: BreakingSettings, clock: Clock, tz: tzinfo
    ) -> None:
        self._db = db
        self._bot = bot
        self._breaking = breaking
        self._clock = clock
        self._tz = tz

    async def pin(
        self, chat_id: str, message_id: int, language: str = catalogue.DEFAULT_LANGUAGE
    ) -> tuple[bool, datetime | None, str]:
        """Pin (silently: the post itself rang already); return pinned, unpin time, a line."""
        if not self._breaking.pin:
            return False, None, ""
        try:
            await self._bot.pin_chat_message(
                chat_ref(chat_id), message_id, disable_notification=True
            )
        except TelegramError as exc:
            logger.warning("could not pin breaking post %s: %s", message_id, exc.message)
            return False, None, catalogue.text("pin_failed", language, error=esc(exc.message))
        hours = self._breaking.unpin_after_hours
        if hours <= 0:
            return True, None, catalogue.text("pinned", language)
        unpin_at = self._clock() + timedelta(hours=hours)
        until = when(unpin_at, self._tz, language)
        return True, unpin_at, catalogue.text("pinned_until", language, when=until)

    async def unpin(self, chat_id: str, message_id: int) -> None:
        """Take a pin off now; a message already gone counts as unpinned."""
        try:
            await self._bot.unpin_chat_message(chat_ref(chat_id), message_id)
        except TelegramError as exc:
            if "not found" not in exc.message.lower():
                raise

    async def unpin_due(self, now: datetime | None = None) -> int:
        """Unpin breaking posts whose time on top is over; return how many came off."""
        due = await BreakingPostRepository(self._db.store).due_unpins(now or self._clock())
        done = 0
        for post in due:
            try:
                await self.unpin(post.chat_id, post.message_id)
            except TelegramError as exc:  # try again at the next run of the job
                logger.warning("could not unpin %s: %s", post.message_id, exc.message)
                continue
            async with self._db.write() as conn:
                await BreakingPostRepository(conn).mark_unpinned(post.article_id, post.channel)
            done += 1
        return done
