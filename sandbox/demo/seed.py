"""The sandbox's settings and its throw-away store.

The demo runs the real bot, so it needs real settings: they are built here from nothing (the
shipped samples) or from an operator's config, with everything that must never reach Telegram
replaced — the API base URL points at the local double and the token is a placeholder. The
store is always a file in the sandbox's temporary directory: with ``--config`` it is a copy of
the configured store, because publishing into the fake channel would otherwise mark the real
desk's pending articles as posted and the real bot would never post them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import tomllib
from contextlib import closing
from datetime import datetime, timedelta
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from bot.articles import ArticleService
from bot.clock import utc_now
from bot.config import Settings, load_settings, parse_settings
from bot.ingest.importer import ImportReport, import_files
from storage.database import Database

logger = logging.getLogger(__name__)

# Shaped like a real token so the config validates; the fake accepts only this one.
DEMO_TOKEN = "123456:DEMO-placeholder-not-a-real-token"  # noqa: S105 - a placeholder
DEMO_CHANNEL = "@example_news"
DEMO_CHANNEL_ID = -1001234567890
# The demo's second edition: the Arabic channel, taking the Arabic stories.
DEMO_AR_CHANNEL = "@example_news_ar"
# Two editions: the site's channel takes every story (as the one-channel demo did), the Arabic
# edition its language's; the page shows both.
DEMO_CHANNELS: list[dict[str, Any]] = [
    {"chat": DEMO_CHANNEL, "name": "example_news", "language": "en", "languages": []},
    {"chat": DEMO_AR_CHANNEL, "name": "example_news_ar", "language": "ar", "languages": ["ar"]},
]
DEMO_ADMIN_ID = 700001
DEMO_SUBSCRIBER_ID = 700002
# Short enough that a newcomer sees posts arrive within seconds of opening the page.
DEMO_INTERVAL_SECONDS = 2
DEMO_POSTS_PER_MINUTE = 60
# The site's sample page is dated "2 months ago"; the seeded demo shows every sample.
SEEDED_BACKLOG_HOURS = 24 * 400
# Samples are spread over the last hours, newest last, so the channel reads like a real day.
SAMPLE_SPACING = timedelta(minutes=37)
STORE_NAME = "newsdesk-demo.sqlite3"


def demo_settings(
    api_base_url: str,
    workdir: Path,
    config: Path | None,
    webhook: dict[str, Any] | None = None,
) -> Settings:
    """Sandbox settings: the fake API, a placeholder token, the demo admin, a temp store.

    `webhook`: the `[webhook]` table to run in webhook mode; None polls. A config's own
    `[webhook]` (a real public URL) is never used.
    """
    store = workdir / STORE_NAME
    publishing: dict[str, Any] = {
        "enabled": True,
        "interval_seconds": DEMO_INTERVAL_SECONDS,
        "max_posts_per_minute": DEMO_POSTS_PER_MINUTE,
    }
    if config is None:
        data: dict[str, Any] = {
            "telegram": {"token": DEMO_TOKEN},
            "site": {"name": "Example News", "timezone": "UTC", "language": "en"},
            "publishing": {"max_posts_per_minute": DEMO_POSTS_PER_MINUTE},
            "channels": DEMO_CHANNELS,
        }
        base = parse_settings(data)
        publishing["backlog_max_age_hours"] = SEEDED_BACKLOG_HOURS
    else:
        base = load_config(config)
        publishing = {**base.publishing.model_dump(), **publishing}
    telegram = base.telegram.model_dump()
    telegram.update(token=DEMO_TOKEN, api_base_url=api_base_url, admins=[DEMO_ADMIN_ID])
    # Re-validate the whole model so an override can never produce an invalid combination;
    # not through `parse_settings`, which would let $NEWSDESK_TOKEN put a real token back.
    merged = base.model_dump()
    merged.update(
        telegram=telegram, storage={"path": store}, publishing=publishing, webhook=webhook
    )
    if base.telegram.channel is not None:
        # The shorthand's resolved channel is derived again (with the demo's pace), not kept.
        merged.pop("channels")
    return Settings.model_validate(merged)


def load_config(path: Path) -> Settings:
    """The operator's config with the token replaced: the demo needs none and shows none."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return load_settings(path)  # it reports the problem the way `newsdesk` always does
    telegram = data.get("telegram")
    if isinstance(telegram, dict):
        telegram["token"] = DEMO_TOKEN
    return parse_settings(data, base_dir=path.resolve().parent)


def copy_store(source: Path, target: Path) -> None:
    """Copy a live SQLite store consistently (the backup API), opening the source read-only."""
    if not source.exists():
        logger.warning("the configured store %s does not exist yet: starting empty", source)
        return
    with (
        closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def _shifted_samples(text: str, now: datetime) -> str:
    """The sample lines with publication times counted back from `now`, oldest first."""
    lines = [line for line in text.splitlines() if line.strip()]
    shifted = []
    for index, line in enumerate(lines):
        item = json.loads(line)
        item["published_at"] = (now - SAMPLE_SPACING * (len(lines) - index)).isoformat()
        shifted.append(json.dumps(item, ensure_ascii=False))
    return "\n".join(shifted) + "\n"


async def seed_store(settings: Settings, workdir: Path) -> ImportReport:
    """Import the shipped samples into the sandbox's store, the way `newsdesk import` does."""
    now = utc_now()
    samples = files("sandbox.demo") / "samples"
    articles = workdir / "sample-articles.jsonl"
    articles.write_text(
        _shifted_samples((samples / "articles.jsonl").read_text("utf-8"), now), "utf-8"
    )
    db = await Database.open(settings.storage.path)
    try:
        with as_file(samples / "site_sample_article-page.txt") as page:
            report = await import_files(
                [page, articles],
                ArticleService(db, utc_now),
                tz=settings.site.tz,
                now=now,
                page_time=now,
            )
    finally:
        await db.close()
    for rejection in report.rejections:
        logger.warning("sample rejected: %s", rejection)
    logger.info("demo store seeded: %s", report.line())
    return report


async def prepare_store(settings: Settings, workdir: Path, config: Path | None) -> None:
    """Fill the sandbox's store: the samples, or a copy of the configured store."""
    if config is None:
        await seed_store(settings, workdir)
        return
    configured = load_config(config).storage.path
    await asyncio.to_thread(copy_store, configured, settings.storage.path)
    logger.info("demo uses a copy of %s; the original is not changed", configured)
