"""The composition root: `build_application` wires settings, store, services and handlers.

Nothing is built at import time. What a test or the demo must replace is a parameter: the Bot
API base URL comes from settings, the clock and the request objects are arguments. The services
reach the handlers through `bot_data`, attached here in `post_init` and nowhere else; the
periodic jobs it schedules there are `bot.jobs`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from typing import Any

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.clock import Clock, utc_now
from bot.config import Settings
from bot.context import BotData, Context, NewsdeskApp
from bot.domain.errors import LeaseLostError
from bot.jobs import schedule_jobs
from bot.metrics.instruments import Metrics
from bot.metrics.updates import MeteredUpdates, time_handlers
from bot.services import open_services
from bot.serving import Intake, start_health, stop_serving
from bot.transport.ptb_request import AiohttpRequest
from bot.transport.shared_limiter import SharedRateLimiter
from handlers.admin import admin_handlers
from handlers.breaking import breaking_handlers
from handlers.errors import report_error
from handlers.fallback import GATE_GROUP, fallback_handlers, gate_handlers
from handlers.insight import insight_handlers
from handlers.menus import set_command_menus, subscriber_handlers
from handlers.publishing import publishing_handlers
from handlers.start import start_handlers

logger = logging.getLogger(__name__)

ErrorCallback = Callable[[object, Context], Coroutine[Any, Any, None]]

# A few concurrent updates keep one slow answer from holding up everyone else; docs/facts.md
# ("python-telegram-bot 22.x") measured that a small pool beats the default 256 on a real-HTTP bot.
CONCURRENT_UPDATES = 16
CONNECTION_POOL = 16


def _file_url(api_base_url: str) -> str:
    """Bot API file downloads live beside the methods: .../bot → .../file/bot."""
    head, sep, tail = api_base_url.rpartition("/bot")
    return f"{head}/file/bot{tail}" if sep else api_base_url


def build_application(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    error_handlers: Sequence[ErrorCallback] = (report_error,),
) -> NewsdeskApp:
    """Build the bot: services open in `post_init`, close in `post_shutdown`."""
    timeout = settings.telegram.request_timeout_seconds
    metrics = Metrics()  # this bot's own registry: several bots in one process count apart
    builder = (
        ApplicationBuilder()
        .token(settings.telegram.token.get_secret_value())
        .base_url(settings.telegram.api_base_url)
        .base_file_url(_file_url(settings.telegram.api_base_url))
        .context_types(ContextTypes(bot_data=BotData))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(
            # Telegram's ~30/s is the bot's, not each worker's: each takes its share (README).
            SharedRateLimiter(
                overall_max_rate=settings.telegram.max_requests_per_second,
                # Each channel's own pacer spaces its posts; this is the ceiling over them all.
                group_max_rate=max(c.max_posts_per_minute for c in settings.channels),
            )
        )
        # Every update handed to the handlers passes here: counted by kind and outcome.
        .concurrent_updates(MeteredUpdates(CONCURRENT_UPDATES, metrics))
        .post_init(_post_init(settings, clock))
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    # aiohttp under python-telegram-bot (bot.transport.ptb_request says why not httpx). No
    # `Updater`: updates come in through `bot.serving.Intake`.
    builder = builder.updater(None).request(
        request
        or AiohttpRequest(
            connection_pool_size=CONNECTION_POOL, timeout=timeout, on_call=metrics.api_call
        )
    )
    builder = builder.get_updates_request(
        get_updates_request or AiohttpRequest(connection_pool_size=1, timeout=timeout)
    )
    app: NewsdeskApp = builder.build()  # type: ignore[assignment]  # builder loses our generics

    # Handler order. Group GATE_GROUP runs before everything: the flood guard and "who was
    # seen". Then group 0, first match wins, in this order:
    app.add_handlers(gate_handlers(), group=GATE_GROUP)
    app.add_handlers(start_handlers())  # /start (with fav_/a_ deep links), /help
    app.add_handlers(publishing_handlers())  # editors' answers to "not sure it was posted"
    # Editors' commands (others are told they are for the editors); a bare /breaking falls
    # through to the subscribers' handler below.
    app.add_handlers(admin_handlers(settings.telegram.admins))
    app.add_handlers(breaking_handlers())  # Publish/Cancel, retract yes/no, held commands
    app.add_handlers(subscriber_handlers())  # ⭐, /favorites, /latest, /breaking, /search, …
    app.add_handlers(insight_handlers())  # reaction counts on our channel posts
    app.add_handlers(fallback_handlers())  # unknown commands and plain text: must stay last
    # Each handler's callback timed (and its failures counted), here once rather than in each.
    time_handlers((h for group in app.handlers.values() for h in group), metrics)
    app.bot_data.metrics = metrics
    for callback in error_handlers:
        app.add_error_handler(callback)
    return app


def _post_init(
    settings: Settings, clock: Clock
) -> Callable[[NewsdeskApp], Coroutine[Any, Any, None]]:
    async def post_init(app: NewsdeskApp) -> None:
        services = await open_services(settings, app.bot, clock=clock, take_lease=True)
        leadership = services.leadership
        assert leadership is not None  # `take_lease` always builds one
        leadership.on_lost = lambda error: _stop_newsroom(app, error)
        leadership.on_lead = services.start_newsroom  # each takeover recovers, then resumes
        if isinstance(app.bot.rate_limiter, SharedRateLimiter):
            leadership.on_share = app.bot.rate_limiter.share
        app.bot_data.attach(services)
        if app.bot_data.metrics is not None:
            services.publisher.observe_posts(app.bot_data.metrics.posted)
        await set_command_menus(app.bot, settings.telegram.admins)
        if services.leading:
            # Half-done posts, alerts and digests of a dead process become uncertain, editors
            # told; then the queues resume.
            await services.start_newsroom()
        else:
            await services.admin.control.load()  # a follower shows the stored pauses
            logger.info("newsdesk is a follower: another worker leads the newsroom")
        if app.job_queue is not None:
            schedule_jobs(app.job_queue, settings)
        if not settings.telegram.admins:
            logger.warning("telegram.admins is empty: nobody can use the admin commands")
        logger.info(
            "newsdesk started as @%s for channel %s, database %s",
            app.bot.username,
            ", ".join(channel.chat for channel in settings.channels),
            settings.storage.where,
        )

    return post_init


async def _post_stop(app: NewsdeskApp) -> None:
    """Let a publishing pass in flight finish its current send before the store closes."""
    try:
        services = app.bot_data.services
    except RuntimeError:
        return
    await services.admin.stop()
    await services.publisher.stop()


async def _post_shutdown(app: NewsdeskApp) -> None:
    try:
        services = app.bot_data.services
    except RuntimeError:
        return
    app.bot_data.attach(None)
    await services.close()
    logger.info("newsdesk stopped")


def _stop_newsroom(app: NewsdeskApp, error: LeaseLostError) -> None:
    """(SQLite) Another process is the bot now: run no job again, stop polling, let `run`
    exit 3. On PostgreSQL a worker that lost the lease follows instead (bot.leadership)."""
    app.bot_data.lease_lost = error
    if app.job_queue is not None and app.job_queue.scheduler.running:
        app.job_queue.scheduler.pause()
    app.stop_running()


@asynccontextmanager
async def running(app: NewsdeskApp, *, poll_timeout: int = 1) -> AsyncIterator[NewsdeskApp]:
    """Run the bot inside an existing event loop (tests, the demo), as `serve_forever` does."""
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        intake = Intake(app, poll_timeout=poll_timeout)
        try:
            await start_health(app, intake)
        except BaseException:
            await stop_serving(app, None)
            raise
        await intake.start()
        await app.start()
        try:
            yield app
        finally:
            await stop_serving(app, intake)
    finally:
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
        await app.shutdown()
