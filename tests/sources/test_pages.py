"""`/post <url>`: a page fetched through the guarded fetcher and read by the page extractor."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import BlockedURLError, NoArticleError
from bot.ingest.pageworker import PageReader
from bot.sources.fetcher import Fetcher
from bot.sources.pages import fetch_article_page
from tests.sources.conftest import LocalServer, make_settings

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


async def test_an_article_page_is_fetched_and_extracted(
    server: LocalServer, tmp_path: Path, page_reader: PageReader
) -> None:
    page = (CORPUS / "pages/albayan_ae_ar.html").read_bytes()
    html = "text/html; charset=utf-8"
    server.routes["/article"] = lambda h: h.reply(200, page, content_type=html)
    async with Fetcher(make_settings(tmp_path).fetching) as fetcher:
        draft = await fetch_article_page(
            fetcher, page_reader, f"{server.url}/article", tz=ZoneInfo("Asia/Dubai"), now=NOW
        )
    assert draft.title.startswith("القائم بأعمال السفارة الأفغانية")
    assert draft.url == f"{server.url}/article"
    assert draft.source == "post"
    assert "text/html" in server.hits("/article")[0].headers["accept"]


async def test_a_page_without_an_article_is_refused(
    server: LocalServer, tmp_path: Path, page_reader: PageReader
) -> None:
    empty = b"<html><body></body></html>"
    server.routes["/empty"] = lambda h: h.reply(200, empty, content_type="text/html")
    async with Fetcher(make_settings(tmp_path).fetching) as fetcher:
        with pytest.raises(NoArticleError):
            await fetch_article_page(
                fetcher, page_reader, f"{server.url}/empty", tz=ZoneInfo("UTC"), now=NOW
            )


async def test_a_person_cannot_post_an_internal_url(
    tmp_path: Path, page_reader: PageReader
) -> None:
    settings = make_settings(tmp_path, allow_private_addresses=False)
    async with Fetcher(settings.fetching) as fetcher:
        for url in ("http://169.254.169.254/latest/meta-data/", "file:///etc/passwd"):
            with pytest.raises(BlockedURLError):
                await fetch_article_page(fetcher, page_reader, url, tz=ZoneInfo("UTC"), now=NOW)


async def test_a_posted_link_is_stored_without_its_tracking(
    server: LocalServer, tmp_path: Path, page_reader: PageReader
) -> None:
    page = (CORPUS / "pages/albayan_ae_ar.html").read_bytes()
    server.routes["/article"] = lambda h: h.reply(200, page, content_type="text/html")
    url = f"{server.url}/article?id=9&utm_source=telegram&utm_medium=social&gclid=abc"
    async with Fetcher(make_settings(tmp_path).fetching) as fetcher:
        draft = await fetch_article_page(
            fetcher, page_reader, url, tz=ZoneInfo("Asia/Dubai"), now=NOW
        )
    assert draft.url == f"{server.url}/article?id=9"
