"""The bot's one Telegram budget, shared by its workers.

Telegram counts ~30 messages a second per bot, not per process. Each worker takes an equal share:
`telegram.max_requests_per_second` divided by the `run` workers heart-beating in the store,
re-read on every heartbeat (bot.leadership), so N workers together never exceed the budget and
one left alone gets all of it again within a heartbeat. The equal split is the simple sound
choice: the leader's fan-out and a follower's replies draw on the same Telegram bucket anyway,
and a worker's unused share is only a few replies a second. Paid broadcasts keep their own
1,000/s bucket (only the leader sends alerts). Requests without a chat (`answerCallbackQuery`,
the ⭐ toasts) are never throttled by python-telegram-bot, as before.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)


class SharedRateLimiter(AIORateLimiter):
    """python-telegram-bot's limiter whose overall rate is this worker's share of the bot's."""

    def __init__(self, *, overall_max_rate: float, **kwargs: Any) -> None:
        super().__init__(overall_max_rate=overall_max_rate, **kwargs)
        self._budget = float(overall_max_rate)
        self.workers = 1

    @property
    def overall_rate(self) -> float:
        """Requests a second this worker may send now."""
        return self._budget / self.workers

    def share(self, workers: int) -> None:
        """`workers` live `run` processes share the budget from now on."""
        workers = max(1, workers)
        if workers == self.workers:
            return
        self.workers = workers
        limiter = self._base_limiter
        if limiter is None:  # rate limiting switched off (a rate of 0)
            return
        # aiolimiter's leaky bucket reads both on each acquire: the new rate holds at once.
        limiter.max_rate = self.overall_rate
        limiter._rate_per_sec = self.overall_rate / limiter.time_period  # no setter
        logger.info(
            "%d workers share the Telegram budget: %.1f requests/s here",
            workers,
            self.overall_rate,
        )
