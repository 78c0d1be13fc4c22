"""The shared test machinery fails when it should: the one wait and the one error recorder."""

from __future__ import annotations

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Context
from sandbox.fakeapi import FakeTelegram
from tests.support import HandlerErrors, StartBot, wait_until


async def test_wait_until_returns_the_value_of_a_sync_or_async_condition() -> None:
    polls = iter([None, None, "ready"])
    assert await wait_until(lambda: next(polls), 5) == "ready"

    async def count() -> int:
        return 3

    assert await wait_until(count, 5) == 3


async def test_wait_until_fails_at_the_deadline_naming_what_it_waited_for() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"not within 0.05s: the moon turning blue"):
        await wait_until(lambda: False, 0.05, lambda: "the moon turning blue")


async def test_a_crashing_handler_reaches_the_recorder_which_reraises_it(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    async def explode(update: Update, context: Context) -> None:
        raise KeyError("handler blew up")

    errors = HandlerErrors()
    async with start_bot(errors) as app:
        app.add_handler(CommandHandler("boom", explode), group=-5)
        fake.send_text(fake.user(555, "Reader"), "/boom")
        await wait_until(lambda: errors.errors, 15, "the handler's error recorded")
    with pytest.raises(KeyError, match="handler blew up"):
        errors.reraise()
