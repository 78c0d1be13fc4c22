"""The services for a one-shot command (`newsdesk publish`, `newsdesk digest`), opened and closed.

The bot is initialised (it meets Telegram) because these commands send; commands that only read
the store or fetch open the services without that.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.app import build_application
from bot.config import Settings
from bot.services import Services, open_services
from bot.transport.shared_limiter import SharedRateLimiter


@asynccontextmanager
async def one_shot_services(settings: Settings, *, take_lease: bool) -> AsyncIterator[Services]:
    """The services with an initialised bot, closed on the way out."""
    app = build_application(settings)
    async with app.bot:
        # Registered as a worker: the leader's recovery leaves this command's sends in flight.
        services = await open_services(settings, app.bot, take_lease=take_lease, register=True)
        if services.leadership is not None:
            # A one-shot that sends takes its share of the bot's budget, like a worker.
            if isinstance(app.bot.rate_limiter, SharedRateLimiter):
                services.leadership.on_share = app.bot.rate_limiter.share
            await services.leadership.reshare()
            services.leadership.beat_in_background()
        try:
            yield services
        finally:
            await services.close()
