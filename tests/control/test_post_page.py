"""`/post <url>` with a hostile page: the editor hears "could not be read in time" within the
limit, nothing is posted, the worker is replaced and the bot leaves no process behind."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.fakeapi import FakeTelegram
from storage.audit import AuditRepository
from tests.hostile import hostile_page
from tests.sources.conftest import LocalServer
from tests.sources.conftest import server as local_server  # noqa: F401 - a fixture
from tests.support import ADMIN_ID, CHANNEL_ID, StartAdmin

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
LIMIT = 1.0
HTML = "text/html; charset=utf-8"


@pytest.fixture
def site(local_server: LocalServer) -> Iterator[str]:  # noqa: F811 - the fixture
    """The local web server: a hostile page at /hostile, a real news page at /article."""
    pages = {
        "/hostile": hostile_page(60_000),  # 3.8 MB: under fetching.max_bytes
        "/article": (CORPUS / "pages" / "reuters_2020.html").read_bytes(),
    }
    for path, page in pages.items():
        local_server.routes[path] = lambda h, page=page: h.reply(200, page, content_type=HTML)
    yield local_server.url


async def test_post_of_a_hostile_page_answers_in_time_and_posts_nothing(
    fake: FakeTelegram, admin_bot: StartAdmin, site: str
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    fetching = {"allow_private_addresses": True, "extract_timeout_seconds": LIMIT}
    async with admin_bot(fetching=fetching) as bot:
        # The first page starts the worker; the hostile one is then timed alone.
        first = await bot.command(editor, f"/post {site}/article")
        assert "https://t.me/example_news/" in bot.shown(first)
        started = time.monotonic()
        answer = await bot.command(editor, f"/post {site}/hostile")
        elapsed = time.monotonic() - started
        assert "could not be read in time" in bot.shown(answer)
        assert elapsed < LIMIT + 2.0  # the limit, plus fetching 6 MB and the reply
        assert len(fake.messages(CHANNEL_ID)) == 1  # only the real article
        services = bot.app.bot_data.services
        assert services.pages.kills == 1
        rows = await AuditRepository(services.db.store).latest(5)
        assert any("could not be read in time" in row.result for row in rows)
    assert not multiprocessing.active_children()  # services closed the worker
