"""The fetcher against a real local HTTP server: conditional GET, redirects, limits, the guard."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from bot import __version__
from bot.domain.errors import BlockedURLError, FetchError, StatusCodeError, TooLargeError
from bot.sources.fetcher import Fetcher, guard
from tests.sources.conftest import Handler, LocalServer, make_settings

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


async def test_conditional_get_round_trip(server: LocalServer, tmp_path: Path) -> None:
    def feed(h: Handler) -> None:
        if h.headers.get("If-None-Match") == '"v1"':
            h.reply(304)
        else:
            stamp = "Mon, 05 Jan 2026 10:00:00 GMT"
            h.reply(200, FEED, headers={"ETag": '"v1"', "Last-Modified": stamp})

    server.routes["/feed"] = feed
    async with Fetcher(make_settings(tmp_path).fetching) as fetcher:
        first = await fetcher.fetch(f"{server.url}/feed")
        second = await fetcher.fetch(
            f"{server.url}/feed", etag=first.etag, last_modified=first.last_modified
        )
    assert (first.status, first.body, first.etag) == (200, FEED, '"v1"')
    assert first.last_modified == "Mon, 05 Jan 2026 10:00:00 GMT"
    assert second.not_modified and second.body == b""
    sent = server.hits("/feed")[1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 05 Jan 2026 10:00:00 GMT"
    assert sent["user-agent"].startswith(f"newsdesk/{__version__}")
    assert sent["accept-encoding"] == "gzip, deflate"


async def test_gzip_content_encoding_is_undone(server: LocalServer, tmp_path: Path) -> None:
    packed = gzip.compress(FEED)
    server.routes["/gz"] = lambda h: h.reply(200, packed, headers={"Content-Encoding": "gzip"})
    async with Fetcher(make_settings(tmp_path).fetching) as fetcher:
        assert (await fetcher.fetch(f"{server.url}/gz")).body == FEED


def _chain(server: LocalServer, hops: int) -> str:
    for n in range(hops):
        target = f"/hop{n + 1}" if n + 1 < hops else "/feed"
        server.routes[f"/hop{n}"] = lambda h, t=target: h.reply(302, headers={"Location": t})
    server.routes["/feed"] = lambda h: h.reply(200, FEED)
    return f"{server.url}/hop0"


async def test_up_to_five_redirects_are_followed(server: LocalServer, tmp_path: Path) -> None:
    start = _chain(server, 5)
    async with Fetcher(make_settings(tmp_path).fetching) as fetcher:
        result = await fetcher.fetch(start)
    assert result.body == FEED
    assert result.url == f"{server.url}/feed"


async def test_a_sixth_redirect_is_refused(server: LocalServer, tmp_path: Path) -> None:
    start = _chain(server, 6)
    async with Fetcher(make_settings(tmp_path).fetching) as fetcher:
        with pytest.raises(FetchError, match="more than 5 redirects"):
            await fetcher.fetch(start)
    assert not server.hits("/feed")


async def test_a_slow_body_times_out(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/slow"] = lambda h: h.trickle(total=10_000, every=0.05)
    settings = make_settings(tmp_path, total_timeout_seconds=0.5)
    async with Fetcher(settings.fetching) as fetcher:
        with pytest.raises(FetchError, match="timed out"):
            await fetcher.fetch(f"{server.url}/slow")


async def test_an_endless_body_is_cut_off_at_the_cap(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/endless"] = lambda h: h.endless()
    async with Fetcher(make_settings(tmp_path, max_bytes=100_000).fetching) as fetcher:
        with pytest.raises(TooLargeError, match="more than 100000 bytes"):
            await fetcher.fetch(f"{server.url}/endless")


async def test_an_error_status_is_a_fetch_error(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/broken"] = lambda h: h.reply(500, b"oops", content_type="text/plain")
    async with Fetcher(make_settings(tmp_path).fetching) as fetcher:
        with pytest.raises(StatusCodeError) as caught:
            await fetcher.fetch(f"{server.url}/broken")
    assert caught.value.status == 500


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/feed",
        "http://[::1]/feed",
        "http://[::ffff:127.0.0.1]/feed",
        "http://localhost/feed",
        "file:///etc/passwd",
        "ftp://example.org/feed",
    ],
)
async def test_the_guard_refuses_private_addresses_and_other_schemes(url: str) -> None:
    with pytest.raises(BlockedURLError):
        await guard(url, allow_private=False)


async def test_a_private_url_is_refused_before_any_request(
    server: LocalServer, tmp_path: Path
) -> None:
    server.routes["/feed"] = lambda h: h.reply(200, FEED)
    settings = make_settings(tmp_path, allow_private_addresses=False)
    async with Fetcher(settings.fetching) as fetcher:
        with pytest.raises(BlockedURLError):
            await fetcher.fetch(f"{server.url}/feed")
    assert server.requests == []


async def test_a_redirect_to_a_private_address_is_refused(
    server: LocalServer, tmp_path: Path
) -> None:
    # The local server plays an egress proxy, so the first hop can be a public address (the
    # guard passes it) without leaving this machine; its redirect must then be refused.
    metadata = "http://169.254.169.254/latest/meta-data/"
    server.routes["/moved"] = lambda h: h.reply(302, headers={"Location": metadata})
    settings = make_settings(tmp_path, allow_private_addresses=False)
    async with Fetcher(settings.fetching, proxy=server.url) as fetcher:
        with pytest.raises(BlockedURLError, match=r"169\.254\.169\.254"):
            await fetcher.fetch("http://93.184.215.14/moved")
    assert [seen.path for seen in server.requests] == ["http://93.184.215.14/moved"]
