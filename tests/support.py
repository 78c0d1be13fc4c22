"""What every test shares: the example desk's identities, the one wait, the one error recorder.

Also the one way a test stores a site's story (`site_article`), records it as posted
(`record_posted`) and puts a ⭐ post in the fake channel (`star_post`), as the publisher would.

One definition of each, so a test module never restates the channel id or writes its own
polling loop. Fixtures built on these live in `tests/conftest.py`.
"""

from __future__ import annotations

import asyncio
import inspect
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, overload

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.context import Context, NewsdeskApp
from bot.desk import AdminServices
from bot.domain import ArticleDraft
from bot.services import Services
from sandbox.fakeapi import FakeTelegram, FakeUser, RecordedCall
from storage.deliveries import DeliveryRepository

TOKEN = "123456:TEST-token-not-real"


def token_shaped(bot_id: int, fill: str) -> str:
    """A token of Telegram's real shape (10 digits, 35 characters) made at run time from an
    obvious filler, so the repository never holds a string that passes for a real token."""
    return f"{bot_id}:AA{fill * 33}"[: len(str(bot_id)) + 36]


# The configured token of the redaction tests, and another token-shaped string that is not it.
REALISTIC_TOKEN = token_shaped(7712345678, "x")
OTHER_TOKEN = token_shaped(5550001112, "q")
CHANNEL = "@example_news"
CHANNEL_ID = -1001234567890
CHANNEL_TITLE = "Example News"
ADMIN_ID = 4242
BOT_USERNAME = "newsdesk_bot"

T = TypeVar("T")


@overload
async def wait_until(
    condition: Callable[[], Awaitable[T | None]],
    deadline: float = ...,
    what: str | Callable[[], str] = ...,
) -> T: ...


@overload
async def wait_until(
    condition: Callable[[], T | None],
    deadline: float = ...,
    what: str | Callable[[], str] = ...,
) -> T: ...


async def wait_until(
    condition: Callable[[], Any],
    deadline: float = 5.0,
    what: str | Callable[[], str] = "the condition",
) -> Any:
    """Poll `condition` (sync or async) until it is truthy and return its value.

    `deadline` is the number of seconds allowed; past it the test fails naming `what` (a
    callable is asked only then, so it can describe the state at the failure). Never a sleep
    used as a synchronisation: the short pause between polls only yields the event loop.
    """
    end = time.monotonic() + deadline
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > end:
            described = what() if callable(what) else what
            pytest.fail(f"not within {deadline:g}s: {described}")
        await asyncio.sleep(0.01)


async def site_article(
    services: Services, n: int, *, title: str | None = None, age_minutes: float = 5
) -> int:
    """Story `n` as the site stores it (`site-n`, published `age_minutes` ago): its id."""
    draft = ArticleDraft(
        guid=f"site-{n}",
        url=f"https://news.example/{n}",
        title=title or f"Story {n}",
        published_at=datetime.now(UTC) - timedelta(minutes=age_minutes),
    )
    (result,) = await services.articles.store([draft])
    return result.article.id


async def record_posted(
    services: Services, article_id: int, chats: Mapping[str, int] | None = None
) -> None:
    """Record a stored article as posted, as the publisher does once the channel post exists.

    `chats` maps each channel's name in the store to its chat id; by default the example desk's
    one channel. The post's message id is the article's id, so a test can find it again.
    """
    now = datetime.now(UTC)
    async with services.db.write() as conn:
        deliveries = DeliveryRepository(conn)
        for channel, chat_id in (chats or {CHANNEL.removeprefix("@"): CHANNEL_ID}).items():
            await deliveries.ensure(article_id, channel=channel, now=now)
            assert await deliveries.claim(article_id, channel=channel, now=now)
            await deliveries.mark_posted(
                article_id,
                channel=channel,
                chat_id=str(chat_id),
                message_id=article_id,
                has_photo=False,
                content_hash="test",
                now=now,
            )


async def star_post(app: NewsdeskApp, article_id: int) -> int:
    """A real post in the fake channel with the publisher's ⭐ button; its message id."""
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("⭐ Save", callback_data=f"fav:{article_id}")]]
    )
    sent = await app.bot.send_message(CHANNEL, f"Story {article_id}", reply_markup=keyboard)
    return sent.message_id


class HandlerErrors:
    """The error handler tests register: records every handler error and re-raises the first.

    `Application.process_update` hands a handler's exception to the error handlers instead of
    raising it, so without this a crashing handler would pass its test. A fixture calls
    `reraise()` when the bot has stopped; a test expecting errors reads `errors` instead.
    """

    def __init__(self) -> None:
        self.errors: list[BaseException] = []

    async def __call__(self, update: object, context: Context) -> None:
        """Record the error PTB caught."""
        self.errors.append(context.error or RuntimeError("error handler called without an error"))

    def reraise(self) -> None:
        """Raise the first recorded error (the others named in a note), if there was one."""
        if not self.errors:
            return
        first = self.errors[0]
        if len(self.errors) > 1:
            first.add_note(f"handlers raised {len(self.errors)} errors: {self.errors!r}")
        raise first


@dataclass
class Running:
    """A running bot with the editors' features (from `admin_bot`), and what tests need of it."""

    app: NewsdeskApp
    fake: FakeTelegram
    errors: list[BaseException]

    @property
    def admin(self) -> AdminServices:
        """The editors' services."""
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


StartBot = Callable[..., AbstractAsyncContextManager[NewsdeskApp]]
StartAdmin = Callable[..., AbstractAsyncContextManager[Running]]


def channel_titles(fake: FakeTelegram) -> list[str]:
    """The first line (the bold title) of every post left in the channel, in posting order."""
    return [
        (m.text or m.caption or "").splitlines()[0]
        for m in fake.messages(CHANNEL_ID)
        if not m.deleted
    ]


def held_channel_send(fake: FakeTelegram) -> RecordedCall | None:
    """The channel post whose answer the fake is holding back (a `timeout` fault)."""
    return next((c for c in fake.calls_of("sendMessage") if c.fault == "timeout"), None)


def title_of(call: RecordedCall) -> str:
    """The plain title of a recorded sendMessage (its first line, tags stripped)."""
    return re.sub("<[^>]+>", "", str(call.params["text"]).splitlines()[0])


def uncertain_reports(fake: FakeTelegram) -> list[str]:
    """The editor's "Not sure …" messages: sends a crash or a takeover left uncertain."""
    return [
        str(c.params["text"])
        for c in fake.calls_of("sendMessage")
        if c.ok and c.params["chat_id"] == ADMIN_ID and "Not sure" in str(c.params["text"])
    ]
