"""The edges of the subscriber handlers: a gate before every handler, hints after all of them.

The gate (group -1) notes who was seen and slows a user who floods the bot, before any
handler runs — so the flooder's updates cost nothing further, and everyone else is answered
as usual. The hints come last in group 0: an unknown command or plain text in private chat
gets one line of help; in a group the bot speaks only when addressed; a button no handler
recognises (stale, forged, from an older version) gets a polite toast instead of a spinner.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import catalogue
from bot.context import Context
from bot.subscribers import FloodVerdict, from_services

GATE_GROUP = -1


async def guard_flood(update: Update, context: Context) -> None:
    """Note the user; stop handling their update if they act too often."""
    user, chat = update.effective_user, update.effective_chat
    if user is None:
        return
    subscribers = from_services(context.bot_data.services)
    private = chat is not None and chat.type == ChatType.PRIVATE
    subscribers.users.seen(user.id, user.language_code, private=private)
    verdict = subscribers.flood.check(user.id)
    if verdict is FloodVerdict.ALLOW:
        return
    language = subscribers.language_of(user)
    if update.callback_query is not None:  # always answer, or the button keeps spinning
        await update.callback_query.answer(catalogue.text("toast_slow_down", language))
    elif verdict is FloodVerdict.SLOW_DOWN and private and update.effective_message is not None:
        await update.effective_message.reply_text(catalogue.text("slow_down", language))
    raise ApplicationHandlerStop


def _addressed(message: Message, bot_username: str) -> bool:
    """Whether a group message is meant for us: /cmd@us, a reply to us, or @us in the text."""
    mention = f"@{bot_username}".casefold()
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None:
        return replied.from_user.username == bot_username or mention in _text(message)
    return mention in _text(message)


def _text(message: Message) -> str:
    return (message.text or message.caption or "").casefold()


async def hint_unknown(update: Update, context: Context) -> None:
    """One line of help for what no handler took."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    language = from_services(context.bot_data.services).language_of(update.effective_user)
    if chat.type != ChatType.PRIVATE:
        if _addressed(message, context.bot.username):
            await message.reply_text(
                catalogue.text("group_hint", language, bot=context.bot.username)
            )
        return
    key: catalogue.Key = "unknown_command" if (message.text or "").startswith("/") else "text_hint"
    await message.reply_text(catalogue.text(key, language))


async def answer_stale_button(update: Update, context: Context) -> None:
    """Any button data no handler recognised: say so politely, change nothing."""
    query = update.callback_query
    if query is None:
        return
    language = from_services(context.bot_data.services).language_of(query.from_user)
    await query.answer(catalogue.text("toast_invalid", language))


def gate_handlers() -> list[BaseHandler[Update, Context, None]]:
    """Add in group GATE_GROUP (-1), so the gate sees every update before any feature."""
    return [TypeHandler(Update, guard_flood)]


def fallback_handlers() -> list[BaseHandler[Update, Context, None]]:
    """Add last in group 0, after every feature's handlers (admins' included)."""
    chats = filters.ChatType.PRIVATE | filters.ChatType.GROUPS
    return [
        MessageHandler(chats & (filters.TEXT | filters.CAPTION), hint_unknown),
        CallbackQueryHandler(answer_stale_button),
    ]
