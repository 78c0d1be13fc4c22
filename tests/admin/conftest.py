"""The real Application with the admin features, and helpers to act as editor and reader."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from bot.app import build_application, running
from bot.config import Settings
from bot.context import Context, NewsdeskApp
from bot.desk import AdminServices
from sandbox.fakeapi import FakeTelegram, FakeUser, RecordedCall

ADMIN_ID = 4242
CHANNEL_ID = -1001234567890


async def until(predicate: Callable[[], Awaitable[bool]], within: float = 5.0) -> None:
    """Wait for an async condition (a store read) with a deadline; never a bare sleep."""
    deadline = time.monotonic() + within
    while not await predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {within:g}s")
        await asyncio.sleep(0.01)


StartAdmin = Callable[..., AbstractAsyncContextManager["Running"]]


@dataclass
class Running:
    """A running bot with the admin features, and what tests need from it."""

    app: NewsdeskApp
    fake: FakeTelegram
    errors: list[object]

    @property
    def admin(self) -> AdminServices:
        """The admin services."""
        return self.app.bot_data.services.admin

    async def command(self, user: FakeUser, text: str, **kwargs: Any) -> RecordedCall:
        """Send a command as `user` in private chat; return the bot's answer to that chat."""
        since = len(self.fake.calls)
        self.fake.send_text(user, text, **kwargs)
        return await self.answer(user.id, since)

    async def answer(self, chat_id: int, since: int, within: float = 15.0) -> RecordedCall:
        """The bot's first message to `chat_id` after call number `since`."""
        return await self.fake.wait_for(
            lambda: next(
                (
                    c
                    for c in self.fake.calls[since:]
                    if c.method in ("sendMessage", "sendPhoto")
                    and c.params.get("chat_id") == chat_id
                ),
                None,
            ),
            within,
        )

    def shown(self, call: RecordedCall) -> str:
        """What the reader sees of a message the bot sent (text or caption, markup parsed)."""
        stored = self.fake.message(call.params["chat_id"], call.result_or_error["message_id"])
        assert stored is not None
        return stored.text or stored.caption or ""

    async def press(self, user: FakeUser, message: RecordedCall, data: str) -> RecordedCall:
        """Press a button of a message the bot sent; return the bot's next message to `user`."""
        since = len(self.fake.calls)
        query = self.fake.press_button(
            user, message.params["chat_id"], message.result_or_error["message_id"], data
        )
        await self.fake.wait_for(lambda: self.fake.callback_answers(query))
        return await self.answer(user.id, since)


@pytest.fixture
def admin_bot(fake: FakeTelegram, make_settings: Callable[..., Settings]) -> StartAdmin:
    """Start the real Application with the admin features; a handler error fails the test."""

    @asynccontextmanager
    async def start(
        breaking: dict[str, Any] | None = None,
        alerts: dict[str, Any] | None = None,
        expect_errors: bool = False,
        **sections: dict[str, Any],
    ) -> AsyncIterator[Running]:
        sections.setdefault("publishing", {"enabled": True, "interval_seconds": 3600})
        settings = make_settings(
            fake.base_url, breaking=breaking or {}, alerts=alerts or {}, **sections
        )
        errors: list[object] = []

        async def record(update: object, context: Context) -> None:
            errors.append(context.error)

        app = build_application(settings, error_handlers=(record,))
        async with running(app):
            yield Running(app, fake, errors)
        assert expect_errors or not errors, f"handlers raised: {errors!r}"

    return start
