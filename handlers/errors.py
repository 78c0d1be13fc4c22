"""The global error handler: whatever a handler or job did not expect ends here.

It logs first (with the traceback), then tells the editors through the control room's
`ErrorReporter`, at most once per kind of error every ten minutes and never with the token.

The store being unreachable is expected, not a bug: the reader who asked gets a polite "try
again in a minute" instead of silence, the editors hear of the outage once from the store's
health (bot/outage.py), and the log gets no traceback per failing update or job.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType

from bot import catalogue
from bot.context import Context
from bot.control.error_reports import log_error
from bot.domain.errors import LeaseLostError, StoreUnavailableError
from bot.subscribers import from_services

logger = logging.getLogger(__name__)


async def report_error(update: object, context: Context) -> None:
    """Log with the traceback, then tell the admins (rate-limited)."""
    error = context.error
    if isinstance(error, LeaseLostError):
        return  # logged once by the services; this process stops, and tells no one
    if isinstance(error, StoreUnavailableError):
        await _store_unavailable(update, context, error)
        return
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


async def _store_unavailable(
    update: object, context: Context, error: StoreUnavailableError
) -> None:
    """Answer the reader politely; log one line unless the outage was logged already."""
    try:
        services = context.bot_data.services
    except RuntimeError:
        return  # start-up or shutdown: the log has it
    if not services.db.health.down:  # a single failure (a connection cut mid-transaction)
        logger.warning("%s", error)
    if not isinstance(update, Update) or update.effective_user is None:
        return  # a job: it runs again on its next tick
    language = from_services(services).language_of(update.effective_user)
    chat, message = update.effective_chat, update.effective_message
    try:
        if update.callback_query is not None:  # or the button keeps spinning
            await update.callback_query.answer(catalogue.text("toast_store_unavailable", language))
        elif chat is not None and chat.type == ChatType.PRIVATE and message is not None:
            await message.reply_text(catalogue.text("store_unavailable", language))
    except Exception:  # Telegram refused the answer too: nothing more to do for this update
        logger.exception("could not tell a reader that the store is unreachable")
