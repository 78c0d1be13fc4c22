"""Every fetch failure is a classified failure: backed off, kept as the source's health, reported.

A URL that only turns bad on the way (a redirect to port 99999, a Location header that is not a
URL) used to escape the fetcher as a raw exception: no health row, no back-off, and `newsdesk
fetch` lost every other source's report line with it.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.sources.fetcher import Fetcher
from bot.sources.service import SourceService
from storage.database import Database
from tests.processes import write_config
from tests.sources.conftest import LocalServer, make_settings

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
RSS = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
    b"<item><guid>a</guid><title>Alpha</title><link>https://news.example/a</link></item>"
    b"</channel></rss>"
)
BAD_LOCATIONS = {
    "/bad-port": ("http://127.0.0.1:99999/feed", "port 99999 is out of range"),
    "/garbage": ("http://[::1/feed", "cannot be parsed"),
    "/no-host": ("https://:443/feed", "has no host"),
    "/ftp": ("ftp://news.example/feed", "only http:// and https://"),
}


def _serve(server: LocalServer) -> None:
    server.routes["/ok"] = lambda h: h.reply(200, RSS)
    for path, (location, _) in BAD_LOCATIONS.items():
        server.routes[path] = lambda h, where=location: h.reply(302, headers={"Location": where})


async def test_a_source_redirected_to_a_bad_url_is_backed_off_with_a_health_row(
    server: LocalServer, tmp_path: Path
) -> None:
    _serve(server)
    paths = [*BAD_LOCATIONS, "/ok"]
    sources = [{"name": p.strip("/"), "url": f"{server.url}{p}"} for p in paths]
    settings = make_settings(tmp_path, sources=sources)
    db = await Database.open(settings.storage.path)
    try:
        async with Fetcher(settings.fetching) as fetcher:
            service = SourceService(
                db, settings, fetcher, clock=lambda: NOW, notify_admins=None, rng=random.Random(1)
            )
            reports = await service.fetch_all()
            assert await service.poll_due() == 0  # nobody is retried before their back-off
        states = {state.name: state for state in await service.states()}
    finally:
        await db.close()
    assert [report.name for report in reports] == [p.strip("/") for p in paths]
    assert not reports[-1].failed
    for report, (_, problem) in zip(reports, BAD_LOCATIONS.values(), strict=False):
        assert report.failed and problem in (report.error or ""), report
        state = states[report.name]
        assert state.consecutive_failures == 1
        assert state.next_attempt_at is not None and state.next_attempt_at > NOW
        assert problem in (state.last_error or "")


def test_newsdesk_fetch_reports_every_source_when_one_redirects_to_a_bad_url(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve(server)
    config = write_config(tmp_path, "http://127.0.0.1:9/bot", "enabled = false")
    with config.open("a", encoding="utf-8") as out:
        out.write("\n[fetching]\nallow_private_addresses = true\n")
        for path in (*BAD_LOCATIONS, "/ok"):
            out.write(f'\n[[sources]]\nname = "{path.strip("/")}"\nurl = "{server.url}{path}"\n')
    assert main(["--config", str(config), "fetch"]) == 1  # some sources failed
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert "ok: new 1, updated 0, unchanged 0" in lines
    for path, (_, problem) in BAD_LOCATIONS.items():
        line = next(line for line in lines if line.startswith(f"{path.strip('/')}: failed:"))
        assert problem in line
    assert "Traceback" not in captured.err
