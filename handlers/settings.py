"""/alerts and /language in private chat, with their buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot import catalogue
from bot.callbacks import ChooseLanguage, SetAlerts
from bot.context import Context
from bot.subscribers import from_services, views
from handlers.news import edit_reply

_ON, _OFF = frozenset({"on", "yes", "1"}), frozenset({"off", "no", "0"})


async def change_alerts(update: Update, context: Context) -> None:
    """/alerts on|off sets the choice; bare /alerts shows it with buttons."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    subscribers = from_services(context.bot_data.services)
    choice = (context.args or [""])[0].lower()
    if choice in _ON | _OFF:
        await subscribers.users.set_alerts(user.id, choice in _ON)
    enabled = await subscribers.users.alerts_enabled(user.id)
    reply = views.alerts_reply(enabled, subscribers.language_of(user))
    await message.reply_text(reply.text, reply_markup=reply.keyboard)


async def press_alerts(update: Update, context: Context) -> None:
    """The On/Off buttons under the alert state."""
    query = update.callback_query
    pressed = SetAlerts.parse(query.data) if query is not None else None
    if query is None or pressed is None:
        return
    subscribers = from_services(context.bot_data.services)
    await subscribers.users.set_alerts(query.from_user.id, pressed.on)
    await edit_reply(
        query, views.alerts_reply(pressed.on, subscribers.language_of(query.from_user))
    )
    await query.answer()


async def choose_language(update: Update, context: Context) -> None:
    """/language: buttons for each language we speak."""
    message = update.effective_message
    if message is None:
        return
    subscribers = from_services(context.bot_data.services)
    reply = views.language_reply(subscribers.language_of(update.effective_user))
    await message.reply_text(reply.text, reply_markup=reply.keyboard)


async def press_language(update: Update, context: Context) -> None:
    """A language button: store the choice and confirm in that language."""
    query = update.callback_query
    pressed = ChooseLanguage.parse(query.data) if query is not None else None
    if query is None or pressed is None:
        return
    subscribers = from_services(context.bot_data.services)
    language = await subscribers.users.set_language(query.from_user.id, pressed.code)
    await edit_reply(query, views.Reply(catalogue.text("language_set", language)))
    await query.answer()


def settings_handlers() -> list[BaseHandler[Update, Context, None]]:
    """The handlers this feature owns."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("alerts", change_alerts, filters=private),
        CommandHandler("language", choose_language, filters=private),
        CallbackQueryHandler(press_alerts, pattern=SetAlerts.matches),
        CallbackQueryHandler(press_language, pattern=ChooseLanguage.matches),
    ]
