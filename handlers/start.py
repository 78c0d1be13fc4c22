"""/start and /help in private chat."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot import catalogue
from bot.context import Context


def _language(update: Update) -> str:
    user = update.effective_user
    return catalogue.pick_language(user.language_code if user else None)


async def show_start(update: Update, context: Context) -> None:
    """Welcome a subscriber."""
    message = update.effective_message
    if message is None:
        return
    site = html.escape(context.bot_data.services.settings.site.name)
    await message.reply_text(catalogue.text("start", _language(update), site=site))


async def show_help(update: Update, context: Context) -> None:
    """List what the bot does."""
    message = update.effective_message
    if message is None:
        return
    site = html.escape(context.bot_data.services.settings.site.name)
    await message.reply_text(catalogue.text("help", _language(update), site=site))


def start_handlers() -> list[BaseHandler[Update, Context, None]]:
    """The handlers this feature owns."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", show_start, filters=private),
        CommandHandler("help", show_help, filters=private),
    ]
