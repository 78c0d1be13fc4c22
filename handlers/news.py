"""/latest, /breaking, /popular, /categories and /search in private chat, with page buttons."""

from __future__ import annotations

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot import catalogue
from bot.callbacks import LatestPage, SearchResults, ShowCategory
from bot.context import Context
from bot.rendering import escape_html
from bot.subscribers import SubscriberServices, from_services, views
from bot.subscribers.views import ListContext, Reply

# The admins' `/breaking <text>` publishes; only the bare command is the subscribers' list.
_BARE_BREAKING = filters.Regex(r"^/breaking(@\w+)?\s*$")


def _reader(update: Update, context: Context) -> tuple[SubscriberServices, ListContext]:
    subscribers = from_services(context.bot_data.services)
    language = subscribers.language_of(update.effective_user)
    return subscribers, subscribers.list_context(language, context.bot.username)


async def edit_reply(query: CallbackQuery, reply: Reply) -> None:
    """Show `reply` in place of the pressed message; a repeated press changes nothing."""
    try:
        await query.edit_message_text(reply.text, reply_markup=reply.keyboard)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def show_latest(update: Update, context: Context) -> None:
    """/latest [category]: the newest posted stories."""
    message = update.effective_message
    if message is None:
        return
    subscribers, reader = _reader(update, context)
    category = None
    if context.args:
        typed = " ".join(context.args)
        category = await subscribers.news.find_category(typed, reader.language)
        if category is None:
            name = escape_html(typed[:60])
            await message.reply_text(
                catalogue.text("latest_unknown_category", reader.language, category=name)
            )
            return
    page = await subscribers.news.latest(0, category.name if category else None, reader.language)
    reply = views.latest_reply(page, category, reader)
    await message.reply_text(reply.text, reply_markup=reply.keyboard)


async def turn_latest_page(update: Update, context: Context) -> None:
    """A Prev/Next press under /latest, or a category button from /categories (a new list)."""
    query = update.callback_query
    data = query.data if query is not None else None
    paged, chosen = LatestPage.parse(data), ShowCategory.parse(data)
    if query is None or (paged is None and chosen is None):
        return
    subscribers, reader = _reader(update, context)
    number, key = (
        (paged.page, paged.category_key) if paged else (0, chosen.key if chosen else None)
    )
    category = await subscribers.news.category_by_key(key, reader.language) if key else None
    if key and category is None:
        await query.answer(catalogue.text("toast_expired", reader.language))
        return
    page = await subscribers.news.latest(
        number, category.name if category else None, reader.language
    )
    reply = views.latest_reply(page, category, reader)
    if paged:
        await edit_reply(query, reply)
    elif isinstance(query.message, Message):
        await query.message.reply_text(reply.text, reply_markup=reply.keyboard)
    await query.answer()


async def show_breaking(update: Update, context: Context) -> None:
    """/breaking: breaking news of the last 24 hours."""
    message = update.effective_message
    if message is None:
        return
    subscribers, reader = _reader(update, context)
    reply = views.breaking_reply(await subscribers.news.breaking(reader.language), reader)
    await message.reply_text(reply.text, reply_markup=reply.keyboard)


async def show_popular(update: Update, context: Context) -> None:
    """/popular: the most saved stories of the last 24 hours, in the reader's language."""
    message = update.effective_message
    if message is None:
        return
    subscribers, reader = _reader(update, context)
    reply = views.popular_reply(await subscribers.news.popular(reader.language), reader)
    await message.reply_text(reply.text, reply_markup=reply.keyboard)


async def show_categories(update: Update, context: Context) -> None:
    """/categories: a button per category with its count."""
    message = update.effective_message
    if message is None:
        return
    subscribers, reader = _reader(update, context)
    reply = views.categories_reply(
        await subscribers.news.categories(reader.language), reader.language
    )
    await message.reply_text(reply.text, reply_markup=reply.keyboard)


async def search_news(update: Update, context: Context) -> None:
    """/search <words>: ranked full-text results."""
    message = update.effective_message
    if message is None:
        return
    subscribers, reader = _reader(update, context)
    result = await subscribers.news.search(" ".join(context.args or ()), reader.language)
    if result is None:
        await message.reply_text(catalogue.text("search_usage", reader.language))
        return
    reply = views.search_reply(result, reader)
    await message.reply_text(reply.text, reply_markup=reply.keyboard)


async def turn_search_page(update: Update, context: Context) -> None:
    """A Prev/Next press under search results."""
    query = update.callback_query
    pressed = SearchResults.parse(query.data) if query is not None else None
    if query is None or pressed is None:
        return
    subscribers, reader = _reader(update, context)
    result = await subscribers.news.search_page(pressed.key, pressed.page)
    if result is None:
        await query.answer(catalogue.text("toast_expired", reader.language))
        return
    await edit_reply(query, views.search_reply(result, reader))
    await query.answer()


def news_handlers() -> list[BaseHandler[Update, Context, None]]:
    """The handlers this feature owns."""
    private = filters.ChatType.PRIVATE
    return [
        # Not blocking: the store read overlaps with other updates (see handlers/favorites.py).
        CommandHandler("latest", show_latest, filters=private, block=False),
        CommandHandler("breaking", show_breaking, filters=private & _BARE_BREAKING),
        CommandHandler("categories", show_categories, filters=private),
        CommandHandler("popular", show_popular, filters=private, block=False),
        CommandHandler("search", search_news, filters=private),
        CallbackQueryHandler(turn_latest_page, pattern=LatestPage.matches),
        CallbackQueryHandler(turn_latest_page, pattern=ShowCategory.matches),
        CallbackQueryHandler(turn_search_page, pattern=SearchResults.matches),
    ]
