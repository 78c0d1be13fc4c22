"""What the bot offers: the command menus (setMyCommands) and the subscriber handlers in order.

Telegram shows the menu of the most specific scope, so each admin's own chat scope lists the
subscriber commands *and* the admin ones; everybody else sees the subscriber commands. Each
menu is set in English (the default) and in every other catalogue language.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, ExtBot

from bot import catalogue
from bot.context import Context
from handlers.favorites import favorites_handlers
from handlers.news import news_handlers
from handlers.settings import settings_handlers

logger = logging.getLogger(__name__)

SUBSCRIBER_COMMANDS: tuple[tuple[str, catalogue.Key], ...] = (
    ("latest", "cmd_latest"),
    ("breaking", "cmd_breaking"),
    ("search", "cmd_search"),
    ("categories", "cmd_categories"),
    ("favorites", "cmd_favorites"),
    ("popular", "cmd_popular"),
    ("alerts", "cmd_alerts"),
    ("language", "cmd_language"),
    ("help", "cmd_help"),
    ("start", "cmd_start"),
)
# /breaking is in both lists: for an admin its description says it can also publish.
ADMIN_COMMANDS: tuple[tuple[str, catalogue.Key], ...] = (
    ("breaking", "cmd_admin_breaking"),
    ("retract", "cmd_retract"),
    ("status", "cmd_status"),
    ("pause", "cmd_pause"),
    ("resume", "cmd_resume"),
    ("post", "cmd_post"),
    ("retry", "cmd_retry"),
    ("skip", "cmd_skip"),
    ("audit", "cmd_audit"),
    ("top", "cmd_top"),
    ("story", "cmd_story"),
)


def command_list(admin: bool, language: str) -> list[BotCommand]:
    """The menu for a subscriber or an admin, in one language."""
    chosen: dict[str, catalogue.Key] = dict(SUBSCRIBER_COMMANDS)
    if admin:
        chosen.update(ADMIN_COMMANDS)
    return [BotCommand(name, catalogue.text(key, language)) for name, key in chosen.items()]


async def set_command_menus(bot: ExtBot[None], admins: Iterable[int]) -> None:
    """Publish the menus: subscribers' for everyone, plus admin commands in each admin's chat.

    A menu Telegram refuses (an admin who never wrote to the bot has no chat yet) is logged and
    skipped: menus are a convenience, never a reason not to start.
    """
    scopes: list[tuple[BotCommandScopeDefault | BotCommandScopeChat, bool]] = [
        (BotCommandScopeDefault(), False)
    ]
    scopes += [(BotCommandScopeChat(admin_id), True) for admin_id in admins]
    for scope, admin in scopes:
        for language in catalogue.MESSAGES:
            code = None if language == catalogue.DEFAULT_LANGUAGE else language
            try:
                await bot.set_my_commands(
                    command_list(admin, language), scope=scope, language_code=code
                )
            except TelegramError as exc:
                logger.warning(
                    "could not set the %s command menu for %r: %s", language, scope, exc
                )


def subscriber_handlers() -> list[BaseHandler[Update, Context, None]]:
    """Favorites, news and settings handlers, in order, for group 0 after `start_handlers()`."""
    return [*favorites_handlers(), *news_handlers(), *settings_handlers()]
