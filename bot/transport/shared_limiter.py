"""The bot's one Telegram budget, shared by the processes that send.

Telegram counts ~30 messages a second per bot, not per process. Each process that sends takes an
equal share: `telegram.max_requests_per_second` divided by the senders heart-beating in the
store (`workers.sends`), re-read on every heartbeat (bot.leadership), so together they never
exceed the budget and one left alone gets all of it again within a heartbeat. The senders are
the `run` workers that receive updates — every webhook worker, and in polling mode the leader
alone (it polls and runs the newsroom) — and the one-shots that send (`newsdesk publish`,
`newsdesk digest`). A polling follower neither polls nor posts, so it takes no share: the
leader beside it keeps the whole budget, and it is counted from the moment it takes the lease.
The split among senders is equal: the leader's fan-out and a webhook follower's replies draw on
the same Telegram bucket anyway, and a worker's unused share is only a few replies a second.
Paid broadcasts keep their own 1,000/s bucket (only the leader sends alerts). Requests without a
chat (`answerCallbackQuery`, the ⭐ toasts) are never throttled by python-telegram-bot, as before.
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
        """`workers` processes that send share the budget from now on."""
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
