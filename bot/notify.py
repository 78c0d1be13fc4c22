"""Telling the editors: private messages to every admin, never failing the caller.

An admin who never opened the bot (403) or a Telegram hiccup must not break the publishing pass
that wanted to warn them, so failures are logged and swallowed. Messages of one kind can be
throttled, so an outage produces one warning rather than one per pass.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.rendering.fitting import fit_html
from bot.rendering.text import escape_html

logger = logging.getLogger(__name__)


class AdminNotifier:
    """Sends a message to each admin in private chat."""

    def __init__(
        self, bot: Bot, admins: Sequence[int], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._bot = bot
        self._admins = tuple(admins)
        self._clock = clock
        self._last_sent: dict[str, float] = {}

    async def send(
        self,
        text: str,
        *,
        markup: InlineKeyboardMarkup | None = None,
        kind: str | None = None,
        every_seconds: float = 0.0,
    ) -> int:
        """Send `text` (HTML) to every admin; with `kind`, at most once per `every_seconds`."""
        if kind is not None:
            now = self._clock()
            last = self._last_sent.get(kind)
            if last is not None and now - last < every_seconds:
                return 0
            self._last_sent[kind] = now
        # Whatever the counts, the notice must arrive: cut to Telegram's limit as it measures it.
        text = fit_html(text)
        delivered = 0
        for admin in self._admins:
            try:
                await self._bot.send_message(admin, text, reply_markup=markup, parse_mode="HTML")
                delivered += 1
            except TelegramError as exc:
                logger.warning("could not notify admin %s: %s", admin, exc.message)
        return delivered

    async def tell(self, text: str) -> None:
        """Send plain `text` (escaped here) to every admin."""
        await self.send(escape_html(text))
