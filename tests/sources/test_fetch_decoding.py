"""Content-Encoding against a real local server: bombs stop at the cap, in little memory.

Each bomb is a few hundred bytes to a few hundred KB on the wire and 100 MB once inflated; the
cap is 200 KB. Memory is measured with tracemalloc around the fetch (the server thread is traced
too): the peak must stay under four times the cap however the encodings are stacked.
"""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import ContentEncodingError, TooLargeError
from bot.ingest.pageworker import PageReader
from bot.sources.fetcher import Fetcher
from bot.sources.pages import fetch_article_page
from tests.sources.conftest import LocalServer, make_settings

CAP = 200_000
INFLATED = 100_000_000
T = TypeVar("T")
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


def _deflate_stream(wbits: int, pieces: list[bytes] | None = None) -> bytes:
    """INFLATED zero bytes compressed with `wbits` (31 gzip, 15 zlib), never held whole."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = bytes(1 << 20)
    out = [packer.compress(block) for _ in range(INFLATED >> 20)] if pieces is None else []
    out += [packer.compress(piece) for piece in pieces or []]
    return b"".join(out) + packer.flush()


def _pack(data: bytes, coding: str) -> bytes:
    return gzip.compress(data) if coding == "gzip" else zlib.compress(data)


GZIP_BOMB = _deflate_stream(31)
# (Content-Encoding header, body): every way of stacking the bomb the review tried, and more.
BOMBS = {
    "gzip, gzip": _pack(GZIP_BOMB, "gzip"),
    "gzip, gzip, gzip": _pack(_pack(GZIP_BOMB, "gzip"), "gzip"),
    "gzip, deflate": _pack(GZIP_BOMB, "deflate"),
    "x-gzip,deflate": _pack(GZIP_BOMB, "deflate"),
    "identity": GZIP_BOMB,  # a gzip *file* served as the body, no encoding declared
    "gzip": _pack(GZIP_BOMB, "gzip"),  # a gzip file inside a gzip encoding
    "deflate": _deflate_stream(15),
}


async def _peak(work: Awaitable[T]) -> tuple[T | BaseException, int]:
    """Run `work` under tracemalloc: its outcome (result or exception) and the peak bytes."""
    tracemalloc.start()
    try:
        outcome: T | BaseException = await work
    except Exception as exc:
        outcome = exc
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return outcome, peak


@pytest.mark.parametrize("encoding", sorted(BOMBS))
async def test_a_stacked_encoding_bomb_stops_at_the_cap_in_little_memory(
    server: LocalServer, tmp_path: Path, encoding: str
) -> None:
    body = BOMBS[encoding]
    assert len(body) < CAP  # small on the wire: only decoding can find it out
    server.routes["/bomb"] = lambda h: h.reply(200, body, headers={"Content-Encoding": encoding})
    async with Fetcher(make_settings(tmp_path, max_bytes=CAP).fetching) as fetcher:
        outcome, peak = await _peak(fetcher.fetch(f"{server.url}/bomb"))
    assert isinstance(outcome, TooLargeError), outcome
    assert f"more than {CAP} bytes" in str(outcome)
    assert peak < 4 * CAP, f"peak {peak:,} bytes for a {CAP:,}-byte cap"


async def test_a_gzip_file_posted_as_a_page_stops_at_the_cap_in_little_memory(
    server: LocalServer, tmp_path: Path, page_reader: PageReader
) -> None:
    # /post <url> of a page that is a gzip bomb file: the page decoder must not inflate it.
    server.routes["/page"] = lambda h: h.reply(200, GZIP_BOMB, content_type="text/html")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    async with Fetcher(make_settings(tmp_path, max_bytes=CAP).fetching) as fetcher:
        work = fetch_article_page(
            fetcher, page_reader, f"{server.url}/page", tz=ZoneInfo("UTC"), now=now
        )
        outcome, peak = await _peak(work)
    assert isinstance(outcome, TooLargeError), outcome
    assert peak < 4 * CAP, f"peak {peak:,} bytes for a {CAP:,}-byte cap"


@pytest.mark.parametrize("encoding", ["br", "compress", "zstd", "gzip, snappy"])
async def test_an_unknown_encoding_is_a_clear_fetch_failure(
    server: LocalServer, tmp_path: Path, encoding: str
) -> None:
    server.routes["/feed"] = lambda h: h.reply(200, FEED, headers={"Content-Encoding": encoding})
    async with Fetcher(make_settings(tmp_path).fetching) as fetcher:
        with pytest.raises(ContentEncodingError, match="unsupported Content-Encoding"):
            await fetcher.fetch(f"{server.url}/feed")


async def test_a_corrupt_gzip_body_is_a_clear_fetch_failure(
    server: LocalServer, tmp_path: Path
) -> None:
    corrupt = gzip.compress(FEED)[:10] + b"\x07 reserved block type"
    server.routes["/feed"] = lambda h: h.reply(200, corrupt, headers={"Content-Encoding": "gzip"})
    async with Fetcher(make_settings(tmp_path).fetching) as fetcher:
        with pytest.raises(ContentEncodingError, match="does not decode"):
            await fetcher.fetch(f"{server.url}/feed")


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip, gzip", gzip.compress(gzip.compress(FEED))),
        ("gzip, deflate", zlib.compress(gzip.compress(FEED))),
        ("deflate", zlib.compress(FEED)[2:-4]),  # raw deflate, as some servers send it
        ("gzip", gzip.compress(FEED[:40]) + gzip.compress(FEED[40:])),  # two gzip members
        ("identity", gzip.compress(FEED)),  # a .xml.gz file served as it is
        ("", FEED),
    ],
)
async def test_legitimate_encodings_decode_to_the_feed(
    server: LocalServer, tmp_path: Path, encoding: str, body: bytes
) -> None:
    server.routes["/feed"] = lambda h: h.reply(200, body, headers={"Content-Encoding": encoding})
    async with Fetcher(make_settings(tmp_path).fetching) as fetcher:
        assert (await fetcher.fetch(f"{server.url}/feed")).body == FEED
