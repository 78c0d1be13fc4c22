"""Fixtures for testing the fake Bot API over real HTTP (the fake itself is the root `fake`),
and a webhook receiver for its deliveries."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aiohttp import web

from sandbox.fakeapi import FakeTelegram
from tests.support import TOKEN


@pytest.fixture
async def client(fake: FakeTelegram) -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client aimed at the double."""
    async with httpx.AsyncClient(base_url=fake.url, timeout=5.0) as http:
        yield http


class Api:
    """Calls the double the way PTB does: form-encoded, non-strings as JSON."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __call__(
        self, method: str, *, token: str = TOKEN, **params: Any
    ) -> tuple[int, dict[str, Any]]:
        data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        response = await self.client.post(f"/bot{token}/{method}", data=data)
        body: dict[str, Any] = response.json()
        return response.status_code, body

    async def ok(self, method: str, **params: Any) -> Any:
        """Call and assert success; return ``result``."""
        status, body = await self(method, **params)
        assert status == 200, body
        assert body["ok"] is True
        return body["result"]

    async def error(self, method: str, status: int, **params: Any) -> str:
        """Call and assert an error with ``status``; return the description."""
        got, body = await self(method, **params)
        assert got == status, body
        assert body["ok"] is False
        assert body["error_code"] == status
        description: str = body["description"]
        return description


@pytest.fixture
def api(client: httpx.AsyncClient) -> Api:
    """The form-encoding caller."""
    return Api(client)


SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class Arrival:
    """One POST the webhook received."""

    update: dict[str, Any]
    secret: str | None
    content_type: str
    at: float


class Receiver:
    """A bot's webhook endpoint on the test's event loop: records each POST, answers as told.

    ``answer`` (set by a test) builds the reply to an update; without it every POST gets an
    empty 200. ``in_flight`` counts requests being answered, ``most_in_flight`` its peak.
    """

    def __init__(self) -> None:
        self.url = ""
        self.arrivals: list[Arrival] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.answer: Callable[[dict[str, Any]], Awaitable[web.StreamResponse]] | None = None

    def update_ids(self) -> list[int]:
        """update_id of every POST, in arrival order (a retried update appears again)."""
        return [a.update["update_id"] for a in self.arrivals]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Record, then answer."""
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            update = await request.json()
            secret = request.headers.get(SECRET_HEADER)
            self.arrivals.append(Arrival(update, secret, request.content_type, time.monotonic()))
            if self.answer is not None:
                return await self.answer(update)
            return web.Response()
        finally:
            self.in_flight -= 1


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A webhook receiver listening on 127.0.0.1 at ``receiver.url``."""
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app, shutdown_timeout=1.0)  # a test may leave a request hanging
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    site = web.SockSite(runner, sock)
    await site.start()
    hook.url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    yield hook
    await runner.cleanup()
