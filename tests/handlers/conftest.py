"""The real Application over real HTTP to the fake Bot API, on a real SQLite file.

`bot` is the root `start_bot` with the subscriber features' helpers: a handler error fails the
test at teardown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.config import Settings
from bot.context import NewsdeskApp
from bot.domain import ArticleDraft
from bot.subscribers import SubscriberServices, from_services
from sandbox.fakeapi import FakeTelegram, FakeUser, RecordedCall
from tests.support import CHANNEL_ID, HandlerErrors, StartBot, record_posted, star_post


@dataclass
class Bot:
    """A running bot and the handles a test needs."""

    app: NewsdeskApp
    fake: FakeTelegram
    settings: Settings
    errors: list[BaseException] = field(default_factory=list)
    _guid: int = 0

    @property
    def subscribers(self) -> SubscriberServices:
        """The subscriber services of the running bot."""
        return from_services(self.app.bot_data.services)

    async def article(
        self,
        title: str,
        *,
        category: str | None = "World",
        summary: str | None = None,
        body: str | None = None,
        age: timedelta = timedelta(hours=1),
        breaking: bool = False,
        posted: bool = True,
        url: str | None = "https://news.example/a",
    ) -> int:
        """Store an article (and, like the publisher, record it as posted); return its id."""
        self._guid += 1
        draft = ArticleDraft(
            guid=f"test-{self._guid}",
            url=url,
            title=title,
            category=category,
            summary=summary,
            body=body,
            published_at=datetime.now(UTC) - age,
            is_breaking=breaking,
        )
        services = self.app.bot_data.services
        (result,) = await services.articles.store([draft])
        if posted:  # what the publisher records once the channel post exists
            await record_posted(services, result.article.id)
        return result.article.id

    async def channel_post(self, article_id: int) -> int:
        """A real post in the fake channel with the publisher's ⭐ button; its message id."""
        return await star_post(self.app, article_id)

    async def press(
        self, user: FakeUser, message_id: int, data: str, chat: int = CHANNEL_ID
    ) -> dict[str, Any]:
        """Press a button and wait for the bot's answer to that press."""
        query_id = self.fake.press_button(user, chat, message_id, data)
        return await self.fake.wait_for(lambda: self.fake.callback_answers(query_id))

    def shown(self, call: RecordedCall) -> str:
        """What the reader sees of a sent or edited message (markup parsed away)."""
        stored = self.fake.message(call.params["chat_id"], call.result_or_error["message_id"])
        assert stored is not None and stored.text is not None
        return stored.text

    async def send(self, user: FakeUser, text: str) -> RecordedCall:
        """Write to the bot in private chat and wait for its reply there."""
        since = len(self.fake.calls)
        self.fake.send_text(user, text)
        return await self.fake.wait_for_call(
            "sendMessage", lambda p: p.get("chat_id") == user.id, since=since
        )


@pytest.fixture
def publishing() -> bool:
    """Whether the publisher runs (override in a test module to post through it)."""
    return False


@pytest.fixture
async def bot(start_bot: StartBot, fake: FakeTelegram, publishing: bool) -> AsyncIterator[Bot]:
    """The real Application, wired with the subscriber features, running against the fake."""
    errors = HandlerErrors()
    async with start_bot(errors, publishing={"enabled": publishing, "interval_seconds": 1}) as app:
        yield Bot(app, fake, app.bot_data.services.settings, errors.errors)
    errors.reraise()
