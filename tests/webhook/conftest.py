"""The real bot in webhook mode: the fake Bot API POSTs updates to the bot's own server.

`hook_bot` starts the bot (both engines, through `start_bot`) with `[webhook]` pointing at a
free loopback port; `HookBot` sends hand-made requests to that server, as Telegram (or anyone
who found the URL) would.
"""

from __future__ import annotations

import io
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from bot.context import NewsdeskApp
from bot.domain import ArticleDraft
from bot.webhook.server import SECRET_HEADER
from sandbox.fakeapi import FakeTelegram, FakeUser
from tests.support import HandlerErrors, StartBot, record_posted, star_post, wait_until

SECRET = "s3cret_Hook-token"
PATH = "/telegram"


def free_port() -> int:
    """A port nothing listens on now (the bot binds it a moment later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def webhook_section(port: int, **overrides: Any) -> dict[str, Any]:
    """`[webhook]` for a bot listening on `port` of this host."""
    return {
        "url": f"http://127.0.0.1:{port}{PATH}",
        "port": port,
        "path": PATH,
        "secret_token": SECRET,
        **overrides,
    }


def message_update(update_id: int, user: FakeUser, text: str) -> dict[str, Any]:
    """A private message as Telegram would POST it (a command gets its entity)."""
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])}]
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
            "from": user.to_api(),
            "text": text,
            **({"entities": entities} if text.startswith("/") else {}),
        },
    }


async def post_update(
    port: int,
    body: bytes | dict[str, Any],
    *,
    secret: str | None = SECRET,
    chunked: bool = False,
) -> tuple[int, str]:
    """POST `body` to the webhook on `port` with `secret` in the header (None: no header).

    `chunked`: without a Content-Length, so only reading tells the server the size.
    """
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    data: Any = io.BytesIO(raw)  # aiohttp warns about large raw bytes
    if chunked:

        async def pieces() -> AsyncIterator[bytes]:
            for start in range(0, len(raw), 65_536):
                yield raw[start : start + 65_536]

        data = pieces()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{port}{PATH}", data=data, headers=headers) as response,
    ):
        return response.status, await response.text()


@dataclass
class HookBot:
    """A bot running in webhook mode, and a way to POST to it by hand."""

    app: NewsdeskApp
    fake: FakeTelegram
    port: int

    @property
    def url(self) -> str:
        """The bot's own server (health routes live beside the webhook)."""
        return f"http://127.0.0.1:{self.port}"

    async def post(
        self, body: bytes | dict[str, Any], *, secret: str | None = SECRET, chunked: bool = False
    ) -> tuple[int, str]:
        """POST `body` to this bot's webhook (see `post_update`)."""
        return await post_update(self.port, body, secret=secret, chunked=chunked)

    async def get(self, path: str) -> tuple[int, str]:
        """GET one of the routes served beside the webhook."""
        async with aiohttp.ClientSession() as session, session.get(self.url + path) as response:
            return response.status, await response.text()

    async def ready(self) -> None:
        """Wait until /readyz says ready (the server listens and the webhook is set)."""

        async def check() -> bool:
            status, _ = await self.get("/readyz")
            return status == 200

        await wait_until(check, 10.0, "/readyz says ready")

    async def article(self, title: str) -> int:
        """Store a story as posted to the channel, as the publisher records it; its id."""
        services = self.app.bot_data.services
        draft = ArticleDraft(
            guid=f"hook-{title}",
            url="https://news.example/a",
            title=title,
            category="World",
            published_at=datetime.now(UTC) - timedelta(hours=1),
        )
        (stored,) = await services.articles.store([draft])
        await record_posted(services, stored.article.id)
        return stored.article.id

    async def channel_post(self, article_id: int) -> int:
        """A post in the fake channel with the ⭐ button; its message id."""
        return await star_post(self.app, article_id)

    async def saved(self, user_id: int) -> list[int]:
        """The reader's saved stories, as the store holds them."""
        return await self.app.bot_data.services.subscribers.favorites.saved_ids(user_id)


@pytest.fixture
async def hook_bot(start_bot: StartBot, fake: FakeTelegram) -> AsyncIterator[HookBot]:
    """The real Application in webhook mode against the fake; ready when yielded."""
    port = free_port()
    errors = HandlerErrors()
    async with start_bot(errors, webhook=webhook_section(port)) as app:
        bot = HookBot(app, fake, port)
        await bot.ready()
        yield bot
    errors.reraise()
