"""Hostile feeds stay harmless: entity bombs, external entities, bodies that name local files."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import NotAFeedError
from bot.ingest.feeds import parse_feed

TZ = ZoneInfo("UTC")
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _parse(data: bytes) -> list[str]:
    parsed = parse_feed(data, url="https://example.org/feed", tz=TZ, now=NOW, source="t")
    return [f"{d.title}\n{d.summary or ''}\n{d.body or ''}" for d in parsed.drafts]


def test_an_entity_expansion_bomb_is_not_expanded() -> None:
    levels = ['<!ENTITY lol0 "lollollollollollollollollollol">']
    levels += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [' + "".join(levels) + "]>\n"
        '<rss version="2.0"><channel><title>t</title><item><title>Bomb &lol9;</title>'
        "<link>https://example.org/a</link><description>&lol9;</description></item>"
        "</channel></rss>"
    ).encode()
    started = time.perf_counter()
    try:
        texts = _parse(bomb)
    except NotAFeedError:
        texts = []
    assert time.perf_counter() - started < 5
    assert all(len(text) < 10_000 for text in texts)


def test_an_external_entity_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    xxe = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<rss version="2.0"><channel><title>t</title><item><title>Leak &xxe;</title>'
        "<link>https://example.org/b</link><description>&xxe;</description></item>"
        "</channel></rss>"
    ).encode()
    try:
        texts = _parse(xxe)
    except NotAFeedError:
        texts = []
    assert not any("TOP-SECRET" in text for text in texts)


def test_a_body_that_is_a_file_name_is_not_opened(tmp_path: Path) -> None:
    # feedparser opens a bare bytes argument as a *file name* if one exists by that name.
    local = tmp_path / "feed.xml"
    local.write_text(
        '<rss version="2.0"><channel><item><title>LOCAL FILE</title>'
        "<link>https://example.org/c</link></item></channel></rss>"
    )
    with pytest.raises(NotAFeedError):
        _parse(str(local).encode())


def test_an_html_page_is_a_clear_error() -> None:
    page = b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hi</p></body></html>"
    with pytest.raises(NotAFeedError, match="HTML page, not a feed"):
        _parse(page)


def test_a_gzip_bomb_is_refused() -> None:
    import gzip

    from bot.domain.errors import TooLargeError

    bomb = gzip.compress(b"<rss>" + b" " * 60_000_000)
    with pytest.raises(TooLargeError):
        _parse(bomb)
