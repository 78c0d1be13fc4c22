"""JobQueue callbacks and the global error handler of the admin features, for `bot/app.py`.

Kept apart from `bot.admin` itself because these read `context.bot_data`, and `bot.context`
imports `bot.services`, which holds the admin services.
"""

from __future__ import annotations

import logging

from bot.admin.error_reporting import log_error
from bot.context import Context
from bot.domain.errors import LeaseLostError

logger = logging.getLogger(__name__)


async def publish_tick(context: Context) -> None:
    """The publisher job: start a pass unless an editor paused automatic publishing."""
    services = context.bot_data.services
    if services.admin.control.editor_pause:
        return
    services.publisher.kick()


async def unpin_tick(context: Context) -> None:
    """Take the pin off breaking posts whose time is over; release abandoned previews' holds."""
    admin = context.bot_data.services.admin
    await admin.pins.unpin_due()
    await admin.breaking.expire_stale()


async def report_error(update: object, context: Context) -> None:
    """The global error handler: log with the traceback, then tell the admins (rate-limited)."""
    error = context.error
    if isinstance(error, LeaseLostError):
        return  # logged once by the services; this process stops, and tells no one
    log_error(update, error)
    if error is None:
        return
    try:
        reporter = context.bot_data.services.admin.errors
    except RuntimeError:
        return  # the store is not open (start-up or shutdown): the log has it
    try:
        await reporter.report(update, error)
    except Exception:
        logger.exception("could not tell the admins about an error")
