"""The global error handler: whatever a handler or job did not expect ends here.

It logs first (with the traceback), then tells the editors through the control room's
`ErrorReporter`, at most once per kind of error every ten minutes and never with the token.
"""

from __future__ import annotations

import logging

from bot.context import Context
from bot.control.error_reports import log_error
from bot.domain.errors import LeaseLostError

logger = logging.getLogger(__name__)


async def report_error(update: object, context: Context) -> None:
    """Log with the traceback, then tell the admins (rate-limited)."""
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
