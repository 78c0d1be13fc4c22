"""Updates in and answers out around one Application: the intake and the process's run loop.

Updates come from our own getUpdates loop (`bot.intake.poller`) or, with `[webhook]`, from the
webhook server (`bot.webhook`), never python-telegram-bot's `Updater`: each batch (a webhook
request is a batch of one) is sorted here. ⭐ presses go to the lean press path
(`handlers.presses`, answered through the deadline-aware `AnswerLane`); everything else becomes
an `Update` for python-telegram-bot's handlers, editors' updates first. When the handlers fall
behind, polling waits, or the webhook's answer does (Telegram keeps undelivered updates for a
day), so the queue in front of them stays bounded and nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from datetime import timedelta

from telegram import Update

from bot.context import NewsdeskApp
from bot.health import BotProbe
from bot.intake.poller import RawUpdate, UpdatePoller
from bot.metrics.web import MetricsServer, health_routes
from bot.transport.answers import AnswerLane
from bot.webhook.receiver import WebhookReceiver
from handlers.presses import Press, PressDesk, read_press

logger = logging.getLogger(__name__)

# Reaction counts come only when asked for by name (Telegram leaves them out by default).
ALLOWED_UPDATES = (
    "message",
    "callback_query",
    "my_chat_member",
    "channel_post",
    "message_reaction_count",
)
# Updates waiting for python-telegram-bot's handlers before polling pauses.
MAX_PENDING_UPDATES = 1_000


class Intake:
    """The poller or webhook server, the press path and the answer lane of one running bot."""

    def __init__(self, app: NewsdeskApp, *, poll_timeout: int) -> None:
        """Made after `post_init`: `[webhook]` (or its absence) picks how updates arrive."""
        self._app = app
        self._is_editor: Callable[[int], bool] = lambda _user: False
        api_url = app.bot.base_url
        self.lane = AnswerLane(api_url, timeout=app.bot.request.read_timeout or 10.0)
        self._presses = PressDesk(lambda: app.bot_data.services, self.lane, app.bot.username)
        services = app.bot_data.services
        hook = services.settings.webhook
        self._poller: UpdatePoller | None = None
        self.webhook: WebhookReceiver | None = None
        if hook is None:
            self._poller = UpdatePoller(
                api_url,
                self.deliver,
                allowed_updates=ALLOWED_UPDATES,
                poll_timeout=poll_timeout,
                may_poll=lambda: services.leading,
            )
        else:
            worker = services.db.worker_id
            if worker is None:  # `run` registers before serving; anything else is a bug
                raise RuntimeError("webhook mode needs this worker registered in the store")
            self.webhook = WebhookReceiver(
                hook,
                bot=app.bot,
                db=services.db,
                deliver=self.deliver,
                allowed_updates=ALLOWED_UPDATES,
                clock=services.clock,
                worker=worker,
                ttl=timedelta(seconds=services.settings.storage.lease_ttl_seconds),
                carry=self._carry,
            )

    async def start(self) -> None:
        """Start after `post_init`: the services (and the editors' ids) are there then."""
        self._is_editor = self._app.bot_data.services.admin.editors.is_editor
        await self.lane.start()
        if self._poller is not None:
            await self._poller.start()
        if self.webhook is not None:
            try:
                await self.webhook.start()  # binding the port may fail (`WebhookBindError`)
            except BaseException:
                await self.lane.close()
                raise

    def not_receiving(self) -> str | None:
        """Why no updates come in (for /readyz), or None while polling runs / the hook is set."""
        if self.webhook is not None:
            return self.webhook.not_receiving()
        running = self._poller is not None and self._poller.running
        return None if running else "polling for updates is not running"

    async def stop_polling(self) -> None:
        """No new updates (requests in flight finish); the presses in hand reach the writer."""
        if self._poller is not None:
            await self._poller.stop()
        if self.webhook is not None:
            await self.webhook.stop()
        await self._presses.drain()

    async def close(self) -> None:
        """Answer what can still be answered in a moment; drop the rest (saves are stored)."""
        await self.lane.close()

    def _carry(self, raw: RawUpdate) -> asyncio.Future[dict[str, object]] | None:
        """A ⭐ press's answer may ride in its webhook reply (bot/webhook/server.py)."""
        press = read_press(raw)
        return None if press is None else self.lane.carry(press.query_id)

    async def deliver(self, batch: list[RawUpdate], received_at: float) -> None:
        """Sort one batch: presses to the lean path, the rest to the handlers, editors first."""
        presses: list[Press] = []
        others: list[RawUpdate] = []
        for raw in batch:
            press = read_press(raw)
            if press is None:
                others.append(raw)
            else:
                presses.append(press)
        others.sort(key=lambda raw: not self._is_editor(_sender(raw) or 0))
        queue = self._app.update_queue
        metrics = self._app.bot_data.metrics
        for raw in others:
            try:
                update = Update.de_json(raw, self._app.bot)
            except Exception:  # a malformed update must not stop the others
                logger.warning("skipped an unreadable update: %r", raw.get("update_id"))
                if metrics is not None:
                    metrics.updates.labels("other", "unreadable").inc()
                continue
            queue.put_nowait(update)
        if presses:
            if metrics is not None:
                metrics.updates.labels("callback_query", "press").inc(len(presses))
            self._presses.take(presses, received_at)
        # python-telegram-bot's queue has no "below N" event to wait for; a short nap is enough.
        while queue.qsize() > MAX_PENDING_UPDATES:  # noqa: ASYNC110
            await asyncio.sleep(0.05)


def _sender(raw: RawUpdate) -> int | None:
    for kind in ("message", "callback_query", "edited_message"):
        body = raw.get(kind)
        if isinstance(body, dict):
            user = body.get("from")
            if isinstance(user, dict) and isinstance(user.get("id"), int):
                return int(user["id"])
    return None


def serve_forever(app: NewsdeskApp, *, poll_timeout: int = 10) -> None:
    """Run until SIGINT/SIGTERM or `app.stop_running()`, as `Application.run_polling` does.

    The loop runs with `run_forever` so that `stop_running` (a lost lease) works as it does
    under python-telegram-bot's own runner; the steps are those of `bot.app.running`.
    """
    loop = asyncio.get_event_loop()

    def _exit() -> None:
        raise SystemExit(0)

    _on_signals(loop, _exit)
    intake: Intake | None = None
    try:
        loop.run_until_complete(app.initialize())
        if app.post_init is not None:
            loop.run_until_complete(app.post_init(app))
        if app.bot_data.lease_lost is None:
            intake = Intake(app, poll_timeout=poll_timeout)
            loop.run_until_complete(start_health(app, intake))
            loop.run_until_complete(intake.start())
            loop.run_until_complete(app.start())
            loop.run_forever()
    except (KeyboardInterrupt, SystemExit):
        logger.info("stopping")
    finally:
        # A second signal must not cut the stop short: presses are still being written.
        _on_signals(loop, lambda: logger.info("already stopping"))
        try:
            loop.run_until_complete(stop_serving(app, intake))
        finally:
            if app.post_shutdown is not None:
                loop.run_until_complete(app.post_shutdown(app))
            loop.run_until_complete(app.shutdown())
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)


def _on_signals(loop: asyncio.AbstractEventLoop, handler: Callable[[], None]) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, handler)


async def start_health(app: NewsdeskApp, intake: Intake) -> None:
    """Serve /healthz, /readyz and /metrics on the webhook server and/or `[metrics]`'s address.

    Started before updates are taken in, so a probe sees "not ready" rather than nothing while
    the bot starts; a port that cannot be bound stops the start (`MetricsBindError`, exit 2).
    On the webhook server the routes are mounted here and served once it starts.
    """
    metrics = app.bot_data.metrics
    settings = app.bot_data.services.settings.metrics
    if metrics is None or (settings.port is None and intake.webhook is None):
        return
    metrics.watch_answers(intake.lane.counts)
    routes = health_routes(BotProbe(app, metrics, intake.not_receiving))
    if intake.webhook is not None:
        intake.webhook.mount(routes)
    if settings.port is None:
        return
    server = MetricsServer(routes, host=settings.listen, port=settings.port)
    await server.start()
    app.bot_data.metrics_server = server


async def stop_serving(app: NewsdeskApp, intake: Intake | None) -> None:
    """Polling first (no new updates), then the handlers, then the answers still due."""
    server = app.bot_data.metrics_server
    if server is not None:  # nothing to report once stopping: the probe would only say so
        app.bot_data.metrics_server = None
        await server.stop()
    if intake is not None:
        await intake.stop_polling()
    if app.running:
        await app.stop()
    if intake is not None:
        await intake.close()
    if app.post_stop is not None:
        await app.post_stop(app)
