"""Event-loop lag while a hostile article page is read, in a thread versus the worker process.

A generated page of a few megabytes (short paragraphs with a link each) is read through the
async API while a ticker task sleeps 5 ms at a time and records how late it wakes. Pass 1 is the
old way (`asyncio.to_thread(parse_html_page)`: trafilatura in a thread of the bot's own process,
holding the GIL); pass 2 is `PageReader.aread` with a time limit (the worker is started before
measuring, as the bot's first page would have started it).

    .venv/bin/python bench/extract.py [--paragraphs 100000] [--timeout 2] [--skip-thread]

The last line holds the figures of pass 2 as key=value pairs (target: loop_lag_p99_ms <= 20,
killed=1 when the page needs longer than the limit).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.errors import IngestError  # noqa: E402
from bot.ingest.pages import parse_html_page  # noqa: E402
from bot.ingest.pageworker import PageReader  # noqa: E402

TZ = ZoneInfo("UTC")
NOW = datetime(2026, 1, 1, tzinfo=UTC)
TICK = 0.005


def hostile_page(paragraphs: int) -> bytes:
    """Short paragraphs with a link each: the shape trafilatura spends the longest on."""
    body = "".join(
        f"<p>paragraph {i} with <a href='/l{i}'>a link</a> in it.</p>" for i in range(paragraphs)
    )
    return f"<html><head><title>Hostile</title></head><body>{body}</body></html>".encode()


async def lag_while(work: Callable[[], Awaitable[object]]) -> tuple[list[float], float, str]:
    """Lags (seconds) seen by a 5 ms ticker while `work` runs; its duration and outcome."""
    lags: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            lags.append(time.perf_counter() - before - TICK)

    task = asyncio.create_task(ticker())
    started = time.perf_counter()
    try:
        await work()
        outcome = "read"
    except IngestError as exc:
        outcome = type(exc).__name__
    finally:
        done.set()
        await task
    return lags, time.perf_counter() - started, outcome


def describe(name: str, lags: list[float], seconds: float, outcome: str) -> float:
    """Print one pass; return its p99 lag in ms."""
    p99 = statistics.quantiles(lags, n=100)[98] * 1000 if len(lags) > 1 else 0.0
    print(
        f"{name}: {outcome} after {seconds:.2f} s; loop lag p50 "
        f"{statistics.median(lags) * 1000:.2f} ms, p99 {p99:.2f} ms, max {max(lags) * 1000:.1f} ms"
    )
    return p99


async def main(paragraphs: int, limit: float, skip_thread: bool) -> None:
    """Both passes over the same page."""
    page = hostile_page(paragraphs)
    print(f"hostile page: {len(page) / 1e6:.1f} MB, {paragraphs} paragraphs")
    if not skip_thread:
        lags, seconds, outcome = await lag_while(
            lambda: asyncio.to_thread(
                parse_html_page, page, url=None, tz=TZ, now=NOW, source="bench"
            )
        )
        describe("in a thread (old)", lags, seconds, outcome)
    reader = PageReader(limit)
    try:
        small = b"<html><head><title>Warm</title></head><body><p>" + b"w " * 200 + b"</p></body>"
        await reader.aread(small, url=None, tz=TZ, now=NOW, source="bench")
        lags, seconds, outcome = await lag_while(
            lambda: reader.aread(page, url=None, tz=TZ, now=NOW, source="bench")
        )
        p99 = describe("worker process (new)", lags, seconds, outcome)
        kills = reader.kills
    finally:
        await reader.aclose()
    print(f"loop_lag_p99_ms={p99:.2f} timeout_s={limit:g} elapsed_s={seconds:.2f} killed={kills}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--skip-thread", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.paragraphs, args.timeout, args.skip_thread))
