"""Shared fixtures: settings, the fake Bot API, and the one way a test starts the real bot.

Tests run the real stack: a real SQLite file under `tmp_path`, the real `Application` talking
HTTP to the fake Bot API (`sandbox.fakeapi`), nothing of ours replaced. Every bot a test starts
goes through `start_bot`, whose error handler (`tests.support.HandlerErrors`) fails the test
when a handler raises; `admin_bot` and the handlers' `bot` are views of it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot.app import build_application, running
from bot.config import Settings, parse_settings
from bot.context import NewsdeskApp
from bot.ingest.pageworker import PageReader
from sandbox.fakeapi import FakeTelegram
from tests.support import (
    ADMIN_ID,
    BOT_USERNAME,
    CHANNEL,
    CHANNEL_ID,
    CHANNEL_TITLE,
    TOKEN,
    HandlerErrors,
    Running,
    StartAdmin,
    StartBot,
)

TEST_TOKEN = TOKEN  # the name older test modules import from here

# `store` (both engines), `pg_server`, `pg_database`: see tests/pgstore.py.
pytest_plugins = ["tests.pgstore"]

if TYPE_CHECKING:  # imported by pytest as a plugin first, so its asserts are rewritten
    from tests.pgstore import TestStore


def settings_dict(tmp_path: Path, api_base_url: str = "http://127.0.0.1:9/bot") -> dict[str, Any]:
    """A complete, valid configuration as a mapping tests can adjust."""
    return {
        "telegram": {
            "token": TOKEN,
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
    """The developer's own NEWSDESK_* variables must not leak into tests.

    PTB_TIMEDELTA opts in to python-telegram-bot's future time-period type: without it PTB
    warns (a PTBDeprecationWarning) each time it builds a RetryAfter from a 429, and warnings
    are errors here. The product reads `retry_after` either way (`retry_after_seconds`) and
    Python hides deprecation warnings outside tests, so the product does not set it.
    """
    monkeypatch.delenv("NEWSDESK_TOKEN", raising=False)
    monkeypatch.delenv("NEWSDESK_CONFIG", raising=False)
    monkeypatch.delenv("NEWSDESK_DATABASE_PASSWORD", raising=False)
    monkeypatch.delenv("NEWSDESK_WEBHOOK_SECRET", raising=False)
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def make_settings(tmp_path: Path, store: TestStore) -> Callable[..., Settings]:
    """Build settings from `settings_dict`, with nested overrides per section.

    The store is `store`'s: every test that runs the bot runs it on each engine in turn.
    """

    def build(api_base_url: str = "http://127.0.0.1:9/bot", **sections: Any) -> Settings:
        data = settings_dict(tmp_path, api_base_url)
        data["storage"] = {**data["storage"], **store.table}
        if "url" in store.table:
            del data["storage"]["path"]
        for section, values in sections.items():
            if isinstance(values, list):  # an array of tables, such as [[channels]]
                data[section] = values
                continue
            if section == "storage" and "url" in values:  # `store.table`: the URL replaces path
                data[section] = dict(values)
                continue
            data.setdefault(section, {}).update(values)
        if "channels" in sections:  # several channels instead of the one-channel shorthand
            del data["telegram"]["channel"]
        return parse_settings(data)

    return build


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    """The local Bot API double with the site's channel, on 127.0.0.1 and a free port."""
    with FakeTelegram(bot_username=BOT_USERNAME) as api:
        api.add_channel(
            username=CHANNEL.removeprefix("@"), chat_id=CHANNEL_ID, title=CHANNEL_TITLE
        )
        yield api


@pytest.fixture
def start_bot(fake: FakeTelegram, make_settings: Callable[..., Settings]) -> StartBot:
    """Run the real Application against the fake; a handler error fails the test.

    Keyword arguments are config sections laid over `settings_dict`. A test that expects
    handler errors passes its own `errors` recorder and reads it; the fixture then leaves
    judging them to the test.
    """

    @asynccontextmanager
    async def start(
        errors: HandlerErrors | None = None, **sections: dict[str, Any]
    ) -> AsyncIterator[NewsdeskApp]:
        recorder = errors if errors is not None else HandlerErrors()
        app = build_application(
            make_settings(fake.base_url, **sections), error_handlers=(recorder,)
        )
        async with running(app):
            yield app
        if errors is None:
            recorder.reraise()

    return start


@pytest.fixture
def admin_bot(fake: FakeTelegram, start_bot: StartBot) -> StartAdmin:
    """`start_bot` with the editors' features configured, seen through `Running`."""

    @asynccontextmanager
    async def start(
        breaking: dict[str, Any] | None = None,
        alerts: dict[str, Any] | None = None,
        expect_errors: bool = False,
        **sections: dict[str, Any],
    ) -> AsyncIterator[Running]:
        sections.setdefault("publishing", {"enabled": True, "interval_seconds": 3600})
        errors = HandlerErrors()
        async with start_bot(
            errors, breaking=breaking or {}, alerts=alerts or {}, **sections
        ) as app:
            yield Running(app, fake, errors.errors)
        if not expect_errors:
            errors.reraise()

    return start


@pytest.fixture
def page_reader() -> Iterator[PageReader]:
    """The article-page worker with the default limit; its process is stopped afterwards."""
    reader = PageReader(10.0)
    yield reader
    reader.close()
    assert reader.pid is None
