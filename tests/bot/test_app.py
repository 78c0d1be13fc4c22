"""The real Application against the fake Bot API: boots, answers /start, refuses a twin."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import build_application, running
from bot.domain.errors import InstanceRunningError
from sandbox.fakeapi import FakeTelegram
from tests.pgstore import TestStore

StartBot = Any  # the `start_bot` fixture of tests/conftest.py


async def test_start_is_answered(fake: FakeTelegram, start_bot: StartBot) -> None:
    async with start_bot(publishing={"enabled": False}):
        ann = fake.user(1001, "Ann")
        fake.send_text(ann, "/start")
        call = await fake.wait_for_call("sendMessage", lambda p: p["chat_id"] == 1001)
        assert "Example News" in call.params["text"]


async def test_arabic_user_gets_arabic_right_to_left(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    async with start_bot(publishing={"enabled": False}):
        fake.send_text(fake.user(1002, "Ali", language_code="ar"), "/help")
        call = await fake.wait_for_call("sendMessage", lambda p: p["chat_id"] == 1002)
        text = call.params["text"]
        assert "بوت أخبار" in text
        assert all(line.startswith("\u200f") for line in text.splitlines() if line)


async def test_second_instance_is_refused_on_sqlite(
    fake: FakeTelegram, start_bot: StartBot, store: TestStore
) -> None:
    """A SQLite file serves one bot; on PostgreSQL a second one follows (test_workers.py)."""
    if store.engine != "sqlite":
        pytest.skip("PostgreSQL workers follow the leader instead")
    async with start_bot(publishing={"enabled": False}) as first:
        settings = first.bot_data.services.settings
        second = build_application(settings)
        with pytest.raises(InstanceRunningError, match="already running"):
            async with running(second):
                pass
