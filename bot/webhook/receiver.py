"""Webhook mode for one running bot: the server, setWebhook, the dedupe table's upkeep, readiness.

Started after the services are open (the dedupe needs the store), stopped before them:

- `start` listens first, then calls setWebhook (url, secret, the bot's allowed updates,
  max_connections) in a task that retries with back-off until Telegram accepts it — a Bot API
  briefly out of reach must not stop the worker, and /readyz says "not ready" meanwhile.
  Every worker calls it with the same values; Telegram answers "Webhook is already set".
- `stop` stops accepting and lets the requests in flight finish. It does NOT call deleteWebhook:
  the other workers still serve the URL, and a restarting worker is back within seconds
  (Telegram keeps the updates it could not deliver and retries).

The dedupe: an update id is recorded when the request arrives, naming this worker (its
`workers` id), before it is handed on, and the answer (200) follows the hand-over. Recording
first means a redelivery racing the first delivery (Telegram timed out on a slow worker and
tried another) is not handed on twice: while the taker is alive it is answered 503 until the
taker has heart-beat past the hand-over, then 200 and skipped. A worker killed between the
record and the hand-over loses nothing: Telegram got no 2xx and redelivers, and once the dead
worker's heartbeat is older than `storage.lease_ttl_seconds` (or its row was swept, as a
restarted SQLite bot's takeover does at once) the redelivery re-takes the id and hands it on
(storage/webhook_updates.py has the rules). What remains: a worker killed after the hand-over
and before answering has its update handled again (at least once, not at most once); one
killed after answering loses its in-flight handlers, as a polling bot does, since Telegram
redelivers only what was not answered 2xx. Ids are kept `KEEP_IDS` and pruned by every worker
(each prune is one idempotent DELETE). Ids of requests arriving together are recorded in one
write (bot/webhook/takes.py): a request still waits for its own id's commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Collection, Sequence
from datetime import timedelta

from aiohttp import web
from telegram import Bot
from telegram.error import TelegramError

from bot.clock import Clock
from bot.domain.webhook import Taken
from bot.intake.poller import Deliver
from bot.webhook.server import Carry, WebhookServer
from bot.webhook.takes import BatchedTake
from bot.webhook_settings import WebhookSettings
from storage.database import Database
from storage.webhook_updates import WebhookUpdateRepository

logger = logging.getLogger(__name__)

# Telegram keeps an update it could not deliver for 24 hours at most; an hour over that.
KEEP_IDS = timedelta(hours=25)
PRUNE_SECONDS = 600.0
MAX_BACKOFF_SECONDS = 30.0


class WebhookReceiver:
    """The webhook server of one bot, and the setWebhook that points Telegram at it."""

    def __init__(
        self,
        settings: WebhookSettings,
        *,
        bot: Bot,
        db: Database,
        deliver: Deliver,
        allowed_updates: Sequence[str],
        clock: Clock,
        worker: str,
        ttl: timedelta,
        carry: Carry | None = None,
    ) -> None:
        """`worker`: this process's id in `workers` (it must heart-beat there, or its takes
        look abandoned); `ttl`: how long a silent worker counts as alive."""
        self._settings = settings
        self._worker = worker
        self._ttl = ttl
        self._bot = bot
        self._db = db
        self._clock = clock
        self._allowed = list(allowed_updates)
        self._takes = BatchedTake(self._record)
        self.server = WebhookServer(
            host=settings.listen,
            port=settings.port,
            path=settings.path,
            secret=settings.secret(),
            deliver=deliver,
            take=self._takes.take,
            forget=self._forget,
            carry=carry,
        )
        self._set = False
        self._last_error: str | None = None
        self._tasks: list[asyncio.Task[None]] = []

    def mount(self, routes: list[web.RouteDef]) -> None:
        """Serve `routes` (health and metrics) on the webhook server too."""
        self.server.mount(routes)

    async def start(self) -> None:
        """Listen, then point Telegram here (in the background, retried until it works)."""
        await self.server.start()
        self._tasks = [
            asyncio.create_task(self._set_webhook(), name="setWebhook"),
            asyncio.create_task(self._prune_loop(), name="webhook-prune"),
        ]

    def not_receiving(self) -> str | None:
        """Why updates cannot arrive (for /readyz), or None once the webhook is set."""
        if not self.server.listening:
            return "the webhook server is not listening"
        if not self._set:
            why = f" (last attempt: {self._last_error})" if self._last_error else ""
            return f"the webhook is not set yet{why}"
        return None

    async def stop(self) -> None:
        """Stop accepting and finish the requests in flight; the webhook stays set."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self.server.stop()

    async def _set_webhook(self) -> None:
        settings = self._settings
        failures = 0
        while True:
            try:
                await self._bot.set_webhook(
                    url=settings.url,
                    secret_token=settings.secret(),
                    allowed_updates=self._allowed,
                    max_connections=settings.max_connections,
                    drop_pending_updates=False,
                )
            except TelegramError as exc:
                failures += 1
                delay = min(MAX_BACKOFF_SECONDS, 2.0 ** min(failures - 1, 5))
                self._last_error = str(exc)[:200]
                logger.error(
                    "setWebhook failed (%s); trying again in %.0f s", self._last_error, delay
                )
                await asyncio.sleep(delay)
                continue
            self._set, self._last_error = True, None
            logger.info(
                "webhook set: Telegram posts to %s (at most %d connections)",
                settings.url,
                settings.max_connections,
            )
            return

    async def _record(self, update_ids: Collection[int]) -> dict[int, Taken]:
        async with self._db.write() as conn:
            return await WebhookUpdateRepository(conn).take_many(
                update_ids, worker=self._worker, now=self._clock(), ttl=self._ttl
            )

    async def _forget(self, update_id: int) -> None:
        async with self._db.write() as conn:
            await WebhookUpdateRepository(conn).forget(update_id, worker=self._worker)

    async def _prune_loop(self) -> None:
        while True:
            try:
                async with self._db.write() as conn:
                    gone = await WebhookUpdateRepository(conn).prune(
                        before=self._clock() - KEEP_IDS
                    )
                if gone:
                    logger.debug("webhook: forgot %d update ids older than a day", gone)
            except Exception as exc:  # the next round tries again; the table only grows meanwhile
                logger.warning("webhook: pruning old update ids failed: %s", exc)
            await asyncio.sleep(PRUNE_SECONDS)
