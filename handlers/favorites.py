"""/favorites in private chat with its buttons.

⭐ presses under channel posts are answered in `handlers.presses`, from the raw update, before
python-telegram-bot sees them (`bot.serving.Intake`).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot import catalogue
from bot.callbacks import FavoritesPage, RemoveFavorite
from bot.context import Context
from bot.subscribers import from_services, views
from handlers.news import edit_reply


async def show_favorites(update: Update, context: Context) -> None:
    """/favorites: the first page of saved stories."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    reply = await _favorites_page(update, context, user.id, 0)
    await message.reply_text(reply.text, reply_markup=reply.keyboard)


async def turn_favorites_page(update: Update, context: Context) -> None:
    """Prev/Next under /favorites."""
    query = update.callback_query
    pressed = FavoritesPage.parse(query.data) if query is not None else None
    if query is None or pressed is None:
        return
    await edit_reply(
        query, await _favorites_page(update, context, query.from_user.id, pressed.page)
    )
    await query.answer()


async def remove_favorite(update: Update, context: Context) -> None:
    """✖ under /favorites: remove one story and redraw the page."""
    query = update.callback_query
    pressed = RemoveFavorite.parse(query.data) if query is not None else None
    if query is None or pressed is None:
        return
    subscribers = from_services(context.bot_data.services)
    await subscribers.favorites.remove(query.from_user.id, pressed.article_id)
    await edit_reply(
        query, await _favorites_page(update, context, query.from_user.id, pressed.page)
    )
    await query.answer(catalogue.text("toast_removed", subscribers.language_of(query.from_user)))


async def _favorites_page(
    update: Update, context: Context, user_id: int, number: int
) -> views.Reply:
    subscribers = from_services(context.bot_data.services)
    reader = subscribers.list_context(
        subscribers.language_of(update.effective_user), context.bot.username
    )
    page = await subscribers.favorites.page(user_id, number)
    if not page.items and number > 0:  # the last item of a later page went: show the one before
        page = await subscribers.favorites.page(user_id, number - 1)
    channel = subscribers.settings.channels[0].chat
    if not channel.startswith("@"):
        channel = catalogue.text("our_channel", reader.language)
    return views.favorites_reply(page, reader, channel)


def favorites_handlers() -> list[BaseHandler[Update, Context, None]]:
    """The handlers this feature owns."""
    return [
        # Reads need no order; not blocking lets them overlap with the batches' commits.
        CommandHandler("favorites", show_favorites, filters=filters.ChatType.PRIVATE, block=False),
        CallbackQueryHandler(turn_favorites_page, pattern=FavoritesPage.matches),
        CallbackQueryHandler(remove_favorite, pattern=RemoveFavorite.matches),
    ]
