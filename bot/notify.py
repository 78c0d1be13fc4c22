"""Telling the editors: private messages to every admin, never failing the caller.

An admin who never opened the bot (403) or a Telegram hiccup must not break the publishing pass
that wanted to warn them, so failures are logged and swallowed. Messages of one kind can be
throttled, so an outage produces one warning rather than one per pass.

A notice is written once per language: the caller passes a function from a catalogue language
to the text (and to the buttons), and each admin reads it in their own language — their
/language choice, else their Telegram app's, else the site's (`languages`, given by the
composition root, answers that).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.catalogue import DEFAULT_LANGUAGE, Compose
from bot.rendering.fitting import fit_html
from bot.rendering.text import escape_html

logger = logging.getLogger(__name__)

# A notice's buttons in one language.
ComposeMarkup = Callable[[str], InlineKeyboardMarkup | None]
Languages = Callable[[int], Awaitable[str]]


async def _default_language(admin: int) -> str:
    return DEFAULT_LANGUAGE


class AdminNotifier:
    """Sends a message to each admin in private chat, in that admin's language."""

    def __init__(
        self,
        bot: Bot,
        admins: Sequence[int],
        clock: Callable[[], float] = time.monotonic,
        languages: Languages = _default_language,
    ) -> None:
        self._bot = bot
        self._admins = tuple(admins)
        self._clock = clock
        self._languages = languages
        self._last_sent: dict[str, float] = {}

    async def send(
        self,
        text: str | Compose,
        *,
        markup: InlineKeyboardMarkup | ComposeMarkup | None = None,
        kind: str | None = None,
        every_seconds: float = 0.0,
    ) -> int:
        """Send `text` (HTML, or a function of the language) to every admin.

        With `kind`, at most once per `every_seconds`.
        """
        if kind is not None:
            now = self._clock()
            last = self._last_sent.get(kind)
            if last is not None and now - last < every_seconds:
                return 0
            self._last_sent[kind] = now
        written: dict[str, tuple[str, InlineKeyboardMarkup | None]] = {}
        delivered = 0
        for admin in self._admins:
            try:
                language = await self._languages(admin)
            except Exception:  # a store hiccup must not keep the notice from going out
                logger.exception("could not read the language of admin %s", admin)
                language = DEFAULT_LANGUAGE
            if language not in written:
                written[language] = self._write(text, markup, language)
            body, buttons = written[language]
            try:
                await self._bot.send_message(admin, body, reply_markup=buttons, parse_mode="HTML")
                delivered += 1
            except TelegramError as exc:
                logger.warning("could not notify admin %s: %s", admin, exc.message)
        return delivered

    @staticmethod
    def _write(
        text: str | Compose, markup: InlineKeyboardMarkup | ComposeMarkup | None, language: str
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        """The notice in one language, cut to Telegram's limit as it measures it."""
        body = text if isinstance(text, str) else text(language)
        buttons = markup(language) if callable(markup) else markup
        # Whatever the counts, the notice must arrive.
        return fit_html(body), buttons

    async def tell(self, text: str | Compose) -> None:
        """Send plain `text` (escaped here) to every admin."""
        if isinstance(text, str):
            plain = text
            await self.send(escape_html(plain))
        else:
            compose = text
            await self.send(lambda language: escape_html(compose(language)))
