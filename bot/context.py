"""Typed access from handlers to the services, through the Application's `bot_data`.

python-telegram-bot builds `bot_data` by calling its type with no arguments, so `BotData` starts
empty and `build_application`'s `post_init` attaches the services once the store is open.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.domain.errors import LeaseLostError
from bot.metrics.instruments import Metrics
from bot.metrics.web import MetricsServer
from bot.services import Services


class BotData:
    """What every handler can reach: the services of this process."""

    def __init__(self) -> None:
        self._services: Services | None = None
        # Kept after the services close, so that `newsdesk run` can exit with the reason.
        self.lease_lost: LeaseLostError | None = None
        # This bot's instruments (`build_application` attaches them) and, in polling mode with
        # `[metrics] port` set, the server of /healthz, /readyz and /metrics while it runs.
        self.metrics: Metrics | None = None
        self.metrics_server: MetricsServer | None = None

    @property
    def services(self) -> Services:
        """The services; they exist from `post_init` until `post_shutdown`."""
        if self._services is None:
            raise RuntimeError("services are not open yet (post_init has not run)")
        return self._services

    def attach(self, services: Services | None) -> None:
        """Set (or clear) the services."""
        self._services = services


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
NewsdeskApp = Application[
    ExtBot[None], Context, dict[Any, Any], dict[Any, Any], BotData, JobQueue[Context]
]
