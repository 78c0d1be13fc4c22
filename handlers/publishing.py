"""The publisher's job tick, and an editor's answer to "not sure this reached the channel"."""

from __future__ import annotations

import logging
import re

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import catalogue
from bot.context import Context

logger = logging.getLogger(__name__)

_PATTERN = re.compile(r"^unc:(again|done):(\d{1,18})$")


async def decide_uncertain(update: Update, context: Context) -> None:
    """Apply the editor's decision and replace the buttons with what was done."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    match = _PATTERN.match(query.data)
    if match is None:
        await query.answer()
        return
    post_again = match.group(1) == "again"
    article_id = int(match.group(2))
    publisher = context.bot_data.services.publisher
    language = context.bot_data.services.subscribers.language_of(query.from_user)
    if query.from_user.id not in context.bot_data.services.settings.telegram.admins:
        await query.answer(catalogue.text("toast_editors_only", language))
        return
    done = await publisher.decide_uncertain(article_id, post_again=post_again)
    if not done:
        await query.answer(catalogue.text("toast_uncertain_decided", language))
        return
    toast: catalogue.Key = "toast_uncertain_again" if post_again else "toast_uncertain_done"
    await query.answer(catalogue.text(toast, language))
    verdict = catalogue.text("uncertain_again" if post_again else "uncertain_done", language)
    if query.message is not None:
        try:
            await query.edit_message_reply_markup(None)
        except BadRequest as exc:  # e.g. "message is not modified" after a second press
            logger.info("could not remove the decision buttons: %s", exc.message)
        await context.bot.send_message(query.message.chat.id, verdict)


async def publish_tick(context: Context) -> None:
    """The publisher job: start a pass unless an editor paused automatic publishing."""
    services = context.bot_data.services
    if services.admin.control.editor_pause:
        return
    services.publisher.kick()


def publishing_handlers() -> list[BaseHandler[Update, Context, None]]:
    """The handlers this feature owns (callback queries carry no filters: the service checks)."""
    return [CallbackQueryHandler(decide_uncertain, pattern=_PATTERN)]
