"""Ingest cost versus feedparser alone, on every corpus feed.

Pass 1 runs each corpus feed body through the service's real path after the network: parse
(feedparser / JSON Feed), normalise, dedupe and store in a real SQLite file, first-fetch skips
included. The baseline is `feedparser.parse` with its defaults on the same bytes. Pass 2 offers
the identical bytes again (a server without conditional GET); pass 3 offers bytes that differ
by a trailing newline, so everything is parsed again and every entry comes out unchanged.

    .venv/bin/python bench/ingest.py [--repeat 3]

The last line holds the figures as key=value pairs (targets: ingest_ratio <= 1.5,
unchanged_ratio <= 0.3).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import feedparser

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import Settings, parse_settings  # noqa: E402
from bot.sources.fetcher import Fetcher, FetchResult  # noqa: E402
from bot.sources.service import SourceReport, SourceService  # noqa: E402
from storage.database import Database  # noqa: E402

FEEDS = ROOT / "tests" / "corpus" / "feeds"


def _settings(db_path: Path, feeds: list[Path]) -> Settings:
    sources = [
        {"name": re.sub(r"[^A-Za-z0-9_.-]", "_", p.name), "url": f"https://bench.invalid/{p.name}"}
        for p in feeds
    ]
    return parse_settings(
        {
            "telegram": {"token": "123456:BENCH-token", "channel": "@bench_channel"},
            "storage": {"path": str(db_path)},
            "site": {"timezone": "Europe/Berlin"},
            "sources": sources,
        }
    )


def baseline(bodies: list[bytes]) -> float:
    """Seconds for feedparser.parse (defaults) over every body."""
    started = time.perf_counter()
    for body in bodies:
        feedparser.parse(io.BytesIO(body))
    return time.perf_counter() - started


async def _pass(
    service: SourceService, settings: Settings, bodies: list[bytes], suffix: bytes = b""
) -> tuple[float, list[SourceReport]]:
    reports: list[SourceReport] = []
    started = time.perf_counter()
    for source, body in zip(settings.sources, bodies, strict=True):
        result = FetchResult(source.url, 200, body + suffix, None, None, None)
        reports.append(await service.ingest(source, result))
    return time.perf_counter() - started, reports


async def ours(feeds: list[Path], bodies: list[bytes]) -> tuple[float, float, float, int, int]:
    """Seconds for pass 1, 2 and 3 on a fresh store, plus entries stored and failed feeds."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = _settings(Path(tmp) / "bench.sqlite3", feeds)
        db = await Database.open(settings.storage.path)
        fetcher = Fetcher(settings.fetching)

        async def notify(_message: object) -> None:
            return None

        try:
            service = SourceService(
                db, settings, fetcher, clock=_clock, notify_admins=notify, rng=random.Random(1)
            )
            first, reports = await _pass(service, settings, bodies)
            second, _ = await _pass(service, settings, bodies)
            third, _ = await _pass(service, settings, bodies, suffix=b"\n")
        finally:
            await fetcher.aclose()
            await db.close()
    entries = sum(r.new for r in reports)
    failed = sum(1 for r in reports if r.failed)
    return first, second, third, entries, failed


def _clock() -> datetime:
    return datetime.now(UTC)


def main() -> None:
    """Run the passes `--repeat` times and print the best of each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    feeds = sorted(FEEDS.iterdir())
    bodies = [p.read_bytes() for p in feeds]
    baseline(bodies)  # warm-up: imports and regex compilation
    base = min(baseline(bodies) for _ in range(args.repeat))
    runs = [asyncio.run(ours(feeds, bodies)) for _ in range(args.repeat)]
    first = min(r[0] for r in runs)
    second = min(r[1] for r in runs)
    third = min(r[2] for r in runs)
    _, _, _, entries, failed = runs[0]
    print(f"feedparser alone: {base * 1000:.0f} ms; ingest pass 1: {first * 1000:.0f} ms; "
          f"identical bytes: {second * 1000:.0f} ms; re-parsed, all unchanged: "
          f"{third * 1000:.0f} ms")  # fmt: skip
    print(
        f"ingest_ratio={first / base:.2f} unchanged_ratio={second / first:.2f} "
        f"reparse_unchanged_ratio={third / first:.2f} feeds={len(feeds)} entries={entries} "
        f"failed_feeds={failed} feedparser_ms={base * 1000:.0f} ingest_ms={first * 1000:.0f}"
    )


if __name__ == "__main__":
    main()
