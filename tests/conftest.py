"""Shared fixtures: a config file on disk and the settings it yields.

Tests run the real stack: a real SQLite file under `tmp_path`, the real `Application` talking
HTTP to the fake Bot API (see `tests/fakes.py` fixtures), nothing of ours replaced.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application, running
from bot.config import Settings, parse_settings
from bot.context import Context, NewsdeskApp
from bot.ingest.pageworker import PageReader
from sandbox.fakeapi import FakeTelegram

TEST_TOKEN = "123456:TEST-token-not-real"
CHANNEL = "@example_news"
CHANNEL_ID = -1001234567890
ADMIN_ID = 4242


def settings_dict(tmp_path: Path, api_base_url: str = "http://127.0.0.1:9/bot") -> dict[str, Any]:
    """A complete, valid configuration as a mapping tests can adjust."""
    return {
        "telegram": {
            "token": TEST_TOKEN,
            "api_base_url": api_base_url,
            "channel": CHANNEL,
            "admins": [ADMIN_ID],
            "request_timeout_seconds": 2.0,
        },
        "storage": {"path": str(tmp_path / "newsdesk.sqlite3")},
        "site": {"name": "Example News", "timezone": "Asia/Beirut", "language": "en"},
        "publishing": {"enabled": True, "interval_seconds": 30, "max_posts_per_minute": 20},
    }


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own NEWSDESK_* variables must not leak into tests."""
    monkeypatch.delenv("NEWSDESK_TOKEN", raising=False)
    monkeypatch.delenv("NEWSDESK_CONFIG", raising=False)


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Build settings from `settings_dict`, with nested overrides per section."""

    def build(
        api_base_url: str = "http://127.0.0.1:9/bot", **sections: dict[str, Any]
    ) -> Settings:
        data = settings_dict(tmp_path, api_base_url)
        for section, values in sections.items():
            data.setdefault(section, {}).update(values)
        return parse_settings(data)

    return build


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    """The local Bot API double with the site's channel, on 127.0.0.1 and a free port."""
    api = FakeTelegram().start()
    api.add_channel(username=CHANNEL.removeprefix("@"), chat_id=CHANNEL_ID)
    yield api
    api.stop()


StartBot = Callable[..., AbstractAsyncContextManager[NewsdeskApp]]


@pytest.fixture
def start_bot(fake: FakeTelegram, make_settings: Callable[..., Settings]) -> StartBot:
    """Run the real Application against the fake; a handler error fails the test."""

    @asynccontextmanager
    async def start(**sections: dict[str, Any]) -> AsyncIterator[NewsdeskApp]:
        settings = make_settings(fake.base_url, **sections)
        errors: list[object] = []

        async def record(update: object, context: Context) -> None:
            errors.append(context.error)

        app = build_application(settings, error_handlers=(record,))
        async with running(app):
            yield app
        assert not errors, f"handlers raised: {errors!r}"

    return start


@pytest.fixture
def page_reader() -> Iterator[PageReader]:
    """The article-page worker with the default limit; its process is stopped afterwards."""
    reader = PageReader(10.0)
    yield reader
    reader.close()
    assert reader.pid is None
