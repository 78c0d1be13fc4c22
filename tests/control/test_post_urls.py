"""`/post <url>` with URLs that cannot be fetched: a polite answer naming the problem, audited.

Through the real Application and the fake Bot API; the fixture fails the test if the global
error handler fires, so "no answer, an exception instead" cannot pass.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.fakeapi import FakeTelegram
from storage.audit import AuditRepository
from tests.sources.conftest import LocalServer
from tests.sources.conftest import server as local_server  # noqa: F401 - a fixture
from tests.support import ADMIN_ID, CHANNEL_ID, StartAdmin


@pytest.fixture
def site(local_server: LocalServer) -> Iterator[LocalServer]:  # noqa: F811 - the fixture
    """The local web server, with pages that redirect to URLs that cannot be fetched."""
    local_server.routes["/to-bad-port"] = lambda h: h.reply(
        302, headers={"Location": "http://127.0.0.1:99999/story"}
    )
    local_server.routes["/to-garbage"] = lambda h: h.reply(
        302, headers={"Location": "http://[::1/story"}
    )
    yield local_server


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://news.example:99999/story", "port 99999 is out of range"),
        ("http://[::1/story", "cannot be parsed"),
        ("ftp://news.example/story", "only http:// and https://"),
        ("https:///story", "has no host"),
        ("HTTPS://editor:pw@news.example/story", "user name or password"),
    ],
)
async def test_post_of_a_url_that_cannot_be_fetched_gets_a_polite_answer(
    fake: FakeTelegram, admin_bot: StartAdmin, url: str, problem: str
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        answer = bot.shown(await bot.command(editor, f"/post {url}"))
        assert "cannot be fetched" in answer and problem in answer
        services = bot.app.bot_data.services
        (entry,) = await AuditRepository(services.db.store).latest(5)
        assert (entry.action, entry.target) == ("post", url)
        assert entry.result.startswith("refused:") and problem in entry.result
    assert fake.messages(CHANNEL_ID) == []


@pytest.mark.parametrize(
    ("path", "problem"), [("/to-bad-port", "port 99999"), ("/to-garbage", "cannot be parsed")]
)
async def test_post_of_a_page_that_redirects_to_a_bad_url_gets_a_polite_answer(
    fake: FakeTelegram, admin_bot: StartAdmin, site: LocalServer, path: str, problem: str
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot(fetching={"allow_private_addresses": True}) as bot:
        answer = bot.shown(await bot.command(editor, f"/post {site.url}{path}"))
        assert "Could not read that page" in answer and problem in answer
        services = bot.app.bot_data.services
        (entry,) = await AuditRepository(services.db.store).latest(5)
        assert entry.target == f"{site.url}{path}" and problem in entry.result
    assert fake.messages(CHANNEL_ID) == []
