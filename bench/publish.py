"""Benchmark: publish a backlog into a channel whose per-chat limit the fake Bot API enforces.

Run from the repository root: `.venv/bin/python bench/publish.py [--articles N] [--per-minute R]`,
or with `--channels 3` for editions: three channels, each at R per minute by its own pacer, all
taking every article, under one overall limit (`--overall S` per second, which the fake enforces
too, as it enforces R per chat); the figures are each channel's ratio, the total rate against S,
and the 429s.

A fresh SQLite file in a temporary directory gets a backlog of articles; the fake Telegram Bot
API runs in-process and answers 429 (with `retry_after`) once the channel got more than R sends
in 60 s; the real application (`build_application` + `running`) publishes with
`max_posts_per_minute = R` through one `run_pass`. The figures come from the fake's record of
the channel sends: achieved rate = posts / (last send - first send) x 60, divided by R (target
>= 0.95), and the number of 429 answers (target 0). The last line holds `key=value` pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

from bot.app import build_application, running  # noqa: E402 - after the path set-up
from bot.config import Settings, parse_settings  # noqa: E402
from bot.domain import ArticleDraft  # noqa: E402
from sandbox.fakeapi import FakeTelegram  # noqa: E402

TOKEN = "123456:BENCH-token-not-real"
CHANNEL = "example_news"
CHANNEL_ID = -1001234567890
PROGRESS_SECONDS = 5.0


def settings_for(fake: FakeTelegram, db: Path, per_minute: int) -> Settings:
    """Publishing driven by this script (no job), at the channel's limit."""
    return parse_settings(
        {
            "telegram": {
                "token": TOKEN,
                "api_base_url": fake.base_url,
                "channel": f"@{CHANNEL}",
                "admins": [4242],
                "request_timeout_seconds": 10.0,
            },
            "storage": {"path": str(db)},
            "site": {"name": "Bench News", "timezone": "UTC", "language": "en"},
            "publishing": {
                "enabled": False,  # one explicit run_pass, timed here
                "max_posts_per_minute": per_minute,
                "backlog_max_age_hours": 24,
            },
        }
    )


def editions_settings(fake: FakeTelegram, db: Path, per_minute: int, overall: int) -> Settings:
    """Three channels at `per_minute` each, under one overall Bot API limit."""
    return parse_settings(
        {
            "telegram": {
                "token": TOKEN,
                "api_base_url": fake.base_url,
                "admins": [4242],
                "request_timeout_seconds": 10.0,
                "max_requests_per_second": overall,
            },
            "storage": {"path": str(db)},
            "site": {"name": "Bench News", "timezone": "UTC", "language": "en"},
            "publishing": {"enabled": False, "max_posts_per_minute": per_minute},
            "channels": [{"chat": f"@{name}", "languages": []} for name in EDITION_NAMES],
        }
    )


EDITION_NAMES = ("bench_en", "bench_ar", "bench_sport")


async def bench_editions(articles: int, per_minute: int, overall: int) -> dict[str, str]:
    """Publish the backlog once into three channels; return each channel's figures."""
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as tmp, FakeTelegram() as fake:
        for n, name in enumerate(EDITION_NAMES):
            fake.add_channel(username=name, chat_id=CHANNEL_ID - n)
        fake.limit_chat_rate(per_minute)
        fake.limit_global_rate(overall)
        settings = editions_settings(fake, Path(tmp) / "bench.sqlite3", per_minute, overall)
        app = build_application(settings)
        async with running(app):
            services = app.bot_data.services
            await services.articles.store(backlog(articles))
            print(f"{articles} articles x 3 channels at {per_minute}/min each", flush=True)
            began, cpu0 = time.monotonic(), time.process_time()
            report = await services.publisher.run_pass()
            seconds, cpu = time.monotonic() - began, time.process_time() - cpu0
        figures: dict[str, str] = {}
        firsts, lasts, total = [], [], 0
        for n, name in enumerate(EDITION_NAMES):
            ok = sorted(
                c.at
                for c in fake.calls
                if c.method in ("sendMessage", "sendPhoto")
                and c.ok
                and c.params.get("chat_id") == f"@{name}"
            )
            span = ok[-1] - ok[0] if len(ok) > 1 else float("nan")
            figures[f"ratio_{name}"] = f"{(len(ok) - 1) / span * 60 / per_minute:.3f}"
            figures[f"posts_{name}"] = str(len(fake.messages(CHANNEL_ID - n)))
            firsts.append(ok[0])
            lasts.append(ok[-1])
            total += len(ok)
        span = max(lasts) - min(firsts)
        figures |= {
            "total_per_s": f"{(total - 1) / span:.2f}",
            "overall_limit_per_s": str(overall),
            "retry_after_429": str(fake.count_429),
            "reported_posted": str(len(report.posted)),
            "seconds": f"{seconds:.1f}",
            # The fake runs in this process: its CPU is in this figure, so it bounds both.
            "process_cpu_s": f"{cpu:.1f}",
            "allowed_per_min": str(per_minute),
        }
    return figures


def backlog(count: int) -> list[ArticleDraft]:
    """`count` fresh articles, one a second apart, all within the backlog age."""
    start = datetime.now(UTC) - timedelta(hours=1)
    return [
        ArticleDraft(
            guid=f"bench-{n}",
            url=f"https://news.example/bench/{n}",
            title=f"Bench story {n}",
            category="World",
            byline="Bench Desk",
            published_at=start + timedelta(seconds=n),
            summary=f"The lead of bench story {n}. " * 4,
        )
        for n in range(count)
    ]


async def report_progress(fake: FakeTelegram, total: int, began: float) -> None:
    """A progress line every few seconds until cancelled."""
    while True:
        await asyncio.sleep(PROGRESS_SECONDS)
        posted = len(fake.messages(CHANNEL_ID))
        print(
            f"  {time.monotonic() - began:5.1f} s: {posted}/{total} posted, "
            f"{fake.count_429} x 429",
            flush=True,
        )


async def bench(articles: int, per_minute: int) -> dict[str, str]:
    """Publish the backlog once; return the figures."""
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as tmp, FakeTelegram() as fake:
        fake.add_channel(username=CHANNEL, chat_id=CHANNEL_ID)
        fake.limit_chat_rate(per_minute)
        settings = settings_for(fake, Path(tmp) / "bench.sqlite3", per_minute)
        app = build_application(settings)
        async with running(app):
            services = app.bot_data.services
            await services.articles.store(backlog(articles))
            print(f"{articles} articles stored; publishing at {per_minute}/min", flush=True)
            began = time.monotonic()
            progress = asyncio.create_task(report_progress(fake, articles, began))
            try:
                report = await services.publisher.run_pass()
            finally:
                progress.cancel()
            seconds = time.monotonic() - began
        sends = [
            c
            for c in fake.calls
            if c.method in ("sendMessage", "sendPhoto")
            and c.params.get("chat_id") in (f"@{CHANNEL}", CHANNEL_ID)
        ]
        ok = [c for c in sends if c.ok]
        posts = len(fake.messages(CHANNEL_ID))
        span = ok[-1].at - ok[0].at if len(ok) > 1 else float("nan")
        rate = len(ok) / span * 60 if span else float("nan")
        # The same rate over the posts' intervals (n - 1), which is what spacing controls.
        rate_intervals = (len(ok) - 1) / span * 60 if span else float("nan")
        gaps = sorted(b.at - a.at for a, b in itertools.pairwise(ok))
        figures = {
            "rate_ratio": f"{rate / per_minute:.3f}",
            "interval_ratio": f"{rate_intervals / per_minute:.3f}",
            "posts": str(posts),
            "reported_posted": str(len(report.posted)),
            "failed": str(len(report.failed) + len(report.uncertain)),
            "retry_after_429": str(fake.count_429),
            "sends": str(len(sends)),
            "seconds": f"{seconds:.1f}",
            "send_span_s": f"{span:.2f}",
            "gap_median_ms": f"{gaps[len(gaps) // 2] * 1000:.1f}" if gaps else "nan",
            "gap_max_ms": f"{gaps[-1] * 1000:.1f}" if gaps else "nan",
            "allowed_per_min": str(per_minute),
            "peak_rss_mb": f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}",
        }
    return figures


def main() -> int:
    """Parse the arguments, run the benchmark, print the figures (last line: key=value)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="backlog size (200)")
    parser.add_argument("--per-minute", type=int, default=600, help="channel limit (600)")
    parser.add_argument("--channels", type=int, choices=(1, 3), default=1, help="1 or 3")
    parser.add_argument("--overall", type=int, default=30, help="overall limit per s (30)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.channels == 3:
        return editions_main(args.articles, args.per_minute, args.overall)
    figures = asyncio.run(bench(args.articles, args.per_minute))
    ratio, n429 = float(figures["rate_ratio"]), int(figures["retry_after_429"])
    complete = int(figures["posts"]) == args.articles
    verdict = "met" if ratio >= 0.95 and n429 == 0 and complete else "MISSED"
    print(f"target (ratio >= 0.95, zero 429s, every article posted): {verdict}")
    print(" ".join(f"{key}={value}" for key, value in figures.items()))
    return 0 if verdict == "met" else 1


def editions_main(articles: int, per_minute: int, overall: int) -> int:
    """Three channels: each at >= 0.95 of its rate, the total within `overall`, zero 429s."""
    figures = asyncio.run(bench_editions(articles, per_minute, overall))
    ratios = [float(v) for k, v in figures.items() if k.startswith("ratio_")]
    complete = all(int(v) == articles for k, v in figures.items() if k.startswith("posts_"))
    met = (
        min(ratios) >= 0.95
        and float(figures["total_per_s"]) <= overall
        and figures["retry_after_429"] == "0"
        and complete
    )
    verdict = "met" if met else "MISSED"
    print(f"target (each channel >= 0.95, total <= {overall}/s, zero 429s): {verdict}")
    print(" ".join(f"{key}={value}" for key, value in figures.items()))
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
