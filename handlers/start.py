"""/start (with its deep links) and /help in private chat.

Deep links: `fav_<id>` saves a story and confirms (the ⭐ toast can open the bot this way);
`a_<id>` shows a story as its channel card, with the ⭐ button. Any other payload is a welcome.
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot import catalogue
from bot.context import Context
from bot.rendering import escape_html, render_post, truncate
from bot.rendering.text import single_line
from bot.subscribers import FavoriteOutcome, SubscriberServices, attached

_SAVE_LINK = re.compile(r"fav_([1-9][0-9]{0,17})")
_ARTICLE_LINK = re.compile(r"a_([1-9][0-9]{0,17})")


def _language(update: Update, context: Context) -> str:
    """The reader's language; Telegram's code alone if the subscriber services are absent."""
    subscribers = attached(context.bot_data.services)
    if subscribers is not None:
        return subscribers.language_of(update.effective_user)
    user = update.effective_user
    return catalogue.pick_language(user.language_code if user else None)


async def show_start(update: Update, context: Context) -> None:
    """Welcome a subscriber, or follow a deep link."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    language = _language(update, context)
    subscribers = attached(context.bot_data.services)
    payload = context.args[0] if context.args else ""
    saved, shown = _SAVE_LINK.fullmatch(payload), _ARTICLE_LINK.fullmatch(payload)
    if subscribers is not None and saved:
        text = await _save_from_link(subscribers, user.id, int(saved[1]), language)
        await message.reply_text(text)
    elif subscribers is not None and shown:
        await _show_article(update, subscribers, int(shown[1]), language)
    else:
        site = escape_html(context.bot_data.services.settings.site.name)
        await message.reply_text(catalogue.text("start", language, site=site))


async def _save_from_link(
    subscribers: SubscriberServices, user_id: int, article_id: int, language: str
) -> str:
    outcome = await subscribers.favorites.save(user_id, article_id)
    if outcome is not FavoriteOutcome.SAVED:
        return catalogue.text("article_unavailable", language)
    article = await subscribers.news.article(article_id)
    title = single_line(article.title) if article is not None else f"#{article_id}"
    return catalogue.text("fav_saved", language, title=escape_html(truncate(title, 140)))


async def _show_article(
    update: Update, subscribers: SubscriberServices, article_id: int, language: str
) -> None:
    message = update.effective_message
    if message is None:
        return
    article = await subscribers.news.article(article_id)
    if article is None:
        await message.reply_text(catalogue.text("article_unavailable", language))
        return
    post = render_post(
        article,
        tz=subscribers.settings.site.tz,
        save_label=catalogue.text("save_button", language),
        read_more_label=catalogue.text("read_more", language),
    ).as_text_post()
    await message.reply_text(post.html, reply_markup=post.reply_markup())


async def show_help(update: Update, context: Context) -> None:
    """List what the bot does."""
    message = update.effective_message
    if message is None:
        return
    site = escape_html(context.bot_data.services.settings.site.name)
    await message.reply_text(catalogue.text("help", _language(update, context), site=site))


def start_handlers() -> list[BaseHandler[Update, Context, None]]:
    """The handlers this feature owns."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", show_start, filters=private),
        CommandHandler("help", show_help, filters=private),
    ]
