"""The editors' buttons (Publish / Post again / Cancel a breaking preview, confirm a
retraction, run or drop a held command) and the job that unpins breaking posts. A press by
anyone else is refused by the service and changes nothing.
"""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import catalogue
from bot.callbacks import EDITOR_BUTTONS, parse
from bot.context import Context
from bot.domain.errors import AdminError
from handlers.admin import actor_of, send_reply


async def press_admin_button(update: Update, context: Context) -> None:
    """Do what the button says, take the answered question's buttons away, report back."""
    query = update.callback_query
    button = parse(query.data) if query is not None else None
    if query is None or not isinstance(button, EDITOR_BUTTONS):
        return
    commands = context.bot_data.services.admin.commands
    actor = actor_of(query.from_user, context)
    try:
        reply = await commands.press(actor, button)
    except AdminError:
        await query.answer(catalogue.text("editors_only", actor.language))
        return
    if reply.edit_buttons:  # a toggle: the preview's buttons change, nothing new is sent
        await query.answer(reply.text)
        await _set_buttons(query, reply.markup)
        return
    await query.answer()
    if reply.close_question and query.message is not None:
        await _set_buttons(query, None)
    await send_reply(context.bot, query.from_user.id, reply)


async def _set_buttons(query: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    """Replace the pressed message's buttons; the same buttons again (a second press) is fine."""
    try:
        await query.edit_message_reply_markup(markup)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


def breaking_handlers() -> list[BaseHandler[Update, Context, None]]:
    """The admin buttons (no filter: the service checks who pressed)."""
    return [
        CallbackQueryHandler(press_admin_button, pattern=kind.matches) for kind in EDITOR_BUTTONS
    ]


async def unpin_tick(context: Context) -> None:
    """The job: take the pin off breaking posts whose time is over; release abandoned previews."""
    admin = context.bot_data.services.admin
    await admin.pins.unpin_due()
    await admin.breaking.expire_stale()
