"""setMyCommands: subscriber commands for everyone, admin commands in each admin's chat."""

from __future__ import annotations

from handlers.menus import ADMIN_COMMANDS, SUBSCRIBER_COMMANDS, set_command_menus
from sandbox.fakeapi import Fault
from tests.support import ADMIN_ID

from .conftest import Bot


async def test_menus_per_scope_and_language(bot: Bot) -> None:
    await set_command_menus(bot.app.bot, bot.settings.telegram.admins)
    everyone = bot.fake.commands({"type": "default"})
    assert [c["command"] for c in everyone] == [name for name, _ in SUBSCRIBER_COMMANDS]
    arabic = bot.fake.commands({"type": "default"}, language_code="ar")
    assert arabic[0]["description"].lstrip("\u200f") == "أحدث الأخبار"

    admin = bot.fake.commands({"type": "chat", "chat_id": ADMIN_ID})
    names = [c["command"] for c in admin]
    assert set(names) == {name for name, _ in SUBSCRIBER_COMMANDS + ADMIN_COMMANDS}
    assert len(names) == len(set(names))
    assert bot.settings.telegram.admins == (ADMIN_ID,)


async def test_a_refused_menu_does_not_stop_the_others(bot: Bot) -> None:
    await bot.app.bot.delete_my_commands()  # post_init already set them once
    since = len(bot.fake.calls_of("setMyCommands"))
    bot.fake.fail_next("setMyCommands", Fault.bad_request("chat not found"))
    await set_command_menus(bot.app.bot, bot.settings.telegram.admins)
    statuses = [c.status for c in bot.fake.calls_of("setMyCommands")[since:]]
    assert statuses[0] == 400 and all(status == 200 for status in statuses[1:])
    assert bot.fake.commands({"type": "default"}) == []  # the first one was refused
    assert bot.fake.commands({"type": "default"}, language_code="ar")
    assert bot.fake.commands({"type": "chat", "chat_id": ADMIN_ID})
