"""The publisher's job tick, and an editor's answer to "not sure this reached the channel"."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import catalogue
from bot.callbacks import UncertainDecision
from bot.context import Context
from bot.domain.errors import NotAnEditorError
from handlers.admin import actor_of

logger = logging.getLogger(__name__)


async def decide_uncertain(update: Update, context: Context) -> None:
    """Apply the editor's decision and replace the buttons with what was done."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    pressed = UncertainDecision.parse(query.data)
    if pressed is None:
        await query.answer()
        return
    post_again = pressed.post_again
    control = context.bot_data.services.admin.control
    actor = actor_of(query.from_user, context)
    language = actor.language
    try:
        done = await control.decide_uncertain(actor, pressed.article_id, post_again=post_again)
    except NotAnEditorError:  # nothing changed
        await query.answer(catalogue.text("toast_editors_only", language))
        return
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
    if services.db.engine == "postgres":
        await services.admin.control.load()  # an editor may have paused on another worker
    if services.admin.control.editor_pause:
        return
    services.publisher.kick()


def publishing_handlers() -> list[BaseHandler[Update, Context, None]]:
    """The handlers this feature owns (callback queries carry no filters: the service checks)."""
    return [CallbackQueryHandler(decide_uncertain, pattern=UncertainDecision.matches)]
