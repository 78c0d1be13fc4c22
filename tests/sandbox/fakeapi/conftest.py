"""Fixtures for testing the fake Bot API over real HTTP (the fake itself is the root `fake`)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

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
