"""What "ready" means for a running bot, and the store's figures read at each scrape.

The endpoints (`bot.metrics.web`) ask a `Probe`; this one reads the bot's services: the store
(one cheap query, with a short deadline), its schema version against the code's newest, whether
updates are coming in (polling running; the webhook server will pass its own check), and the
instance lease. Nothing here writes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from bot.context import NewsdeskApp
from bot.metrics.instruments import Metrics, StoreFigures
from bot.services import Services
from storage.alerts import AlertRepository
from storage.health_queries import HealthQueries

logger = logging.getLogger(__name__)

# A store that takes longer than this for `SELECT 1` is not one the bot can work with.
STORE_DEADLINE_SECONDS = 2.0
# The figures are a few aggregates; a scrape waits for them no longer than this.
FIGURES_DEADLINE_SECONDS = 5.0


class BotProbe:
    """Readiness and scrape-time figures of one running bot."""

    def __init__(
        self, app: NewsdeskApp, metrics: Metrics, receiving: Callable[[], str | None]
    ) -> None:
        self._app = app
        self.metrics = metrics
        # Why updates are not arriving (polling stopped, webhook not set), or None.
        self._receiving = receiving

    def _services(self) -> Services | None:
        try:
            return self._app.bot_data.services
        except RuntimeError:
            return None

    async def not_ready(self) -> str | None:
        """The first reason the bot cannot work, or None."""
        services = self._services()
        if services is None:
            return "the services are not open (starting or stopping)"
        if services.lease_lost is not None:
            return "this process lost the instance lease to another one"
        queries = HealthQueries(services.db.store)
        try:
            async with asyncio.timeout(STORE_DEADLINE_SECONDS):
                await queries.ping()
                version = await queries.schema_version()
        except TimeoutError:
            return f"the store did not answer within {STORE_DEADLINE_SECONDS:g} s"
        except Exception as exc:  # whatever the driver raises: the store is not usable
            return f"the store is unreachable ({type(exc).__name__}: {exc})"
        newest = queries.newest_schema()
        if version != newest:
            return f"the store's schema is at version {version}, this newsdesk needs {newest}"
        return self._receiving()

    async def refresh(self) -> None:
        """Read the store's figures for this scrape; the store being down shows as store_up 0."""
        services = self._services()
        figures: StoreFigures | None = None
        if services is not None:
            try:
                async with asyncio.timeout(FIGURES_DEADLINE_SECONDS):
                    figures = await _store_figures(services)
            except Exception as exc:  # a scrape must still answer with what the process knows
                logger.warning("metrics: the store's figures could not be read: %s", exc)
        self.metrics.set_store(figures)


async def _store_figures(services: Services) -> StoreFigures:
    store = services.db.store
    queries = HealthQueries(store)
    figures = StoreFigures(
        deliveries=await queries.deliveries_by_state(),
        alert_queue=await AlertRepository(store).left_to_send(),
        alert_messages=await queries.alert_messages_by_state(),
    )
    lease = services.lease
    if lease is not None:
        holder = await lease.current()
        figures.leader = (
            services.leading and holder is not None and holder.holder == lease.holder_id
        )
        if holder is not None:
            figures.lease_age_seconds = (services.clock() - holder.heartbeat_at).total_seconds()
    return figures
