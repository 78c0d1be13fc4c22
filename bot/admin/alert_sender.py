"""Sending one breaking alert to one subscriber: pacing, and what each answer means.

Pacing is shared by every send of the process's alerts: evenly spaced at `max_per_second`,
never more than that in any sliding second (with a small margin, since Telegram counts arrivals
and we count departures), and a 429 holds *every* send for its `retry_after` — flood control is
per bot, so the next user's message would only earn another 429.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot import catalogue
from bot.domain import Article
from bot.publishing.failures import FailureKind, classify, retry_after_seconds
from bot.rendering import escape_html, truncate
from bot.rendering.text import paragraphs, single_line
from storage.alerts import Outcome, Recipient

# Alerts use 97 % of the rate, evenly spaced: the rest is left to the bot's replies to commands
# and ⭐ presses, which share Telegram's global limit. Telegram counts arrivals and we count
# departures, so the sliding window is a little longer than a second.
SHARE = 0.97
WINDOW_SECONDS = 1.02
CATCH_UP = 0.01  # how far behind schedule the pacer may catch up at once
TRANSIENT_TRIES = 3
_GONE = ("chat not found", "user is deactivated", "peer_id_invalid", "user not found")


class RatePacer:
    """Hands out send slots: even spacing, a sliding one-second cap, a shared 429 hold."""

    def __init__(self, per_second: int, clock: Callable[[], float] = time.monotonic) -> None:
        allowed = max(1, int(per_second * SHARE))
        self._interval = 1.0 / allowed
        self._sent: deque[float] = deque(maxlen=allowed)
        self._clock = clock
        self._next = 0.0
        self._resume_at = 0.0

    def hold(self, seconds: float) -> None:
        """Telegram said 429: nobody sends before `seconds` from now."""
        self._resume_at = max(self._resume_at, self._clock() + seconds)

    @property
    def held_for(self) -> float:
        """Seconds left of a 429 hold."""
        return max(0.0, self._resume_at - self._clock())

    async def acquire(self) -> None:
        """Wait for the next slot and count it as used."""
        now = self._clock()
        slot = max(self._next, now - CATCH_UP)
        self._next = slot + self._interval
        while True:
            now = self._clock()
            wait = max(slot - now, self._resume_at - now)
            if len(self._sent) == self._sent.maxlen:
                wait = max(wait, self._sent[0] + WINDOW_SECONDS - now)
            if wait <= 0:
                self._sent.append(now)
                return
            await asyncio.sleep(wait)


class AlertMessage:
    """The alert for one article, rendered once per language."""

    def __init__(self, article: Article, post_url: str | None) -> None:
        self._article = article
        self._post_url = post_url
        self._cache: dict[str, tuple[str, InlineKeyboardMarkup]] = {}

    def render(self, language: str | None) -> tuple[str, InlineKeyboardMarkup]:
        """Text and buttons in the reader's language (English if we do not speak theirs)."""
        chosen = catalogue.pick_language(language)
        found = self._cache.get(chosen)
        if found is None:
            found = self._cache[chosen] = self._build(chosen)
        return found

    def _build(self, language: str) -> tuple[str, InlineKeyboardMarkup]:
        article = self._article
        story = f"<b>{escape_html(truncate(single_line(article.title), 300))}</b>"
        lead = paragraphs(article.summary) or paragraphs(article.body)
        if lead:
            story += "\n\n" + escape_html(truncate(lead[0], 700))
        row = [
            InlineKeyboardButton(
                catalogue.text("save_button", language), callback_data=f"fav:{article.id}"
            )
        ]
        if self._post_url:
            label = catalogue.text("alert_open_post", language)
            row.append(InlineKeyboardButton(label, url=self._post_url))
        text = catalogue.text("alert_breaking", language, story=story)
        return text, InlineKeyboardMarkup([row])


class RetryLater(Exception):
    """Telegram answered 429: hold everyone, then send this recipient again."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds:g} s")
        self.seconds = seconds


async def send_alert(bot: Bot, recipient: Recipient, message: AlertMessage) -> Outcome:
    """Send one alert; the outcome says sent, blocked, failed or uncertain (raises RetryLater)."""
    text, markup = message.render(recipient.language)
    for attempt in range(1, TRANSIENT_TRIES + 1):
        try:
            await bot.send_message(
                recipient.user_id,
                text,
                reply_markup=markup,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except RetryAfter as exc:
            raise RetryLater(retry_after_seconds(exc)) from exc
        except Forbidden as exc:
            return Outcome(recipient.user_id, "blocked", exc.message)
        except BadRequest as exc:
            gone = any(marker in exc.message.lower() for marker in _GONE)
            return Outcome(recipient.user_id, "blocked" if gone else "failed", exc.message)
        except TelegramError as exc:
            kind = classify(exc).kind
            if kind is FailureKind.AMBIGUOUS:
                return Outcome(recipient.user_id, "uncertain", exc.message)
            if kind is not FailureKind.TRANSIENT or attempt == TRANSIENT_TRIES:
                return Outcome(recipient.user_id, "failed", exc.message)
            await asyncio.sleep(0.2 * 2**attempt)
        else:
            return Outcome(recipient.user_id, "sent")
    return Outcome(recipient.user_id, "failed", "gave up")
