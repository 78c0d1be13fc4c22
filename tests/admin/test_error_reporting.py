"""The global error handler: logged, then told to the admins once per kind per 10 minutes."""

from __future__ import annotations

import logging

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Context
from bot.control.error_reports import ErrorReporter
from handlers.errors import report_error
from sandbox.fakeapi import FakeTelegram
from tests.admin.conftest import ADMIN_ID, StartAdmin
from tests.conftest import TEST_TOKEN


async def explode(update: Update, context: Context) -> None:
    raise RuntimeError(f"POST https://api.telegram.org/bot{TEST_TOKEN}/sendMessage failed " * 60)


async def stumble(update: Update, context: Context) -> None:
    raise KeyError("missing")


def reports(fake: FakeTelegram) -> list[str]:
    return [
        c.params["text"]
        for c in fake.calls_of("sendMessage")
        if c.params["chat_id"] == ADMIN_ID and "Unexpected error" in c.params["text"]
    ]


async def test_errors_are_reported_once_per_kind_per_ten_minutes(
    fake: FakeTelegram, admin_bot: StartAdmin, caplog: pytest.LogCaptureFixture
) -> None:
    reader = fake.user(555, "Reader")
    fake.user(ADMIN_ID, "Editor")
    fake.send_text(fake.user(ADMIN_ID), "/start")  # the editor has a chat with the bot
    async with admin_bot(expect_errors=True) as bot:
        bot.app.add_handler(CommandHandler("boom", explode), group=-5)
        bot.app.add_handler(CommandHandler("oops", stumble), group=-5)
        bot.app.add_error_handler(report_error)
        now = [0.0]
        services = bot.app.bot_data.services
        bot.admin.errors = ErrorReporter(services.notifier, TEST_TOKEN, clock=lambda: now[0])

        for text in ("/boom", "/boom", "/oops"):
            fake.send_text(reader, text)
        await fake.wait_for(lambda: len(bot.errors) == 3)
        await fake.wait_for(lambda: len(reports(fake)) == 2)
        now[0] += 601  # ten minutes later the same kind is reported again
        fake.send_text(reader, "/boom")
        await fake.wait_for(lambda: len(reports(fake)) == 3)

    sent = reports(fake)
    assert sum("RuntimeError" in text for text in sent) == 2
    assert sum("KeyError" in text for text in sent) == 1
    assert all(len(text) < 4096 for text in sent)
    assert all(TEST_TOKEN not in text and "TEST-token" not in text for text in sent)
    runtime = next(text for text in sent if "RuntimeError" in text)
    assert "explode" in runtime  # the traceback's innermost frames survive the cut
    logged = [
        r
        for r in caplog.records
        if r.name == "bot.control.error_reports" and r.levelno >= logging.ERROR
    ]
    assert len(logged) == 4 and all(r.exc_info for r in logged)  # every one is logged
