"""`newsdesk digest` and `newsdesk report`: the insight commands of the command line.

`bot.cli` owns the error boundary, the redaction of everything printed and the exit codes; these
functions parse their own options and do the work, printing one line per channel (digest) or one
row per post (report).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import date, datetime
from pathlib import Path

from bot.app import build_application
from bot.config import Settings
from bot.control.pausing import find_channel
from bot.exits import EXIT_OK, EXIT_REJECTED, EXIT_USAGE
from bot.insight import export
from bot.oneshot import one_shot_services
from bot.rendering import render_preview_text
from bot.services import open_services
from bot.storage_settings import StorageSettings
from storage.database import Database
from storage.insight import InsightRepository


def insight_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `digest` and `report` to the `newsdesk` command's subcommands."""
    digest = commands.add_parser(
        "digest",
        help="post today's top stories to each channel now (or show them)",
        description="Make today's digest (the day's top stories, site time zone) now for every "
        "channel, or one, with or without digest_at; claimed like the daily job's, so no channel "
        "gets two a day. Prints one line per channel; exit 1 if a digest was refused or may or "
        "may not have been posted, 2 for an unknown channel. Works while the bot runs.",
    )
    digest.add_argument("--channel", metavar="NAME", help="only this channel (its name or @chat)")
    digest.add_argument(
        "--dry-run",
        action="store_true",
        help="print each digest as Telegram would show it; post and claim nothing",
    )
    _report_parser(commands)


def _report_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = commands.add_parser(
        "report",
        help="export one row per channel post with its saves and reactions (CSV or JSON)",
        description="Write one row per channel post, oldest first, to stdout: article_id, guid, "
        "channel, message_id, published_at, posted_at, lag_seconds, category, language, "
        "saves, reactions_total, corrected, retracted, saves_first_hour. Reads the store "
        "only: safe while the bot runs, and needs no network.",
    )
    when = "a date (YYYY-MM-DD: midnight in site.timezone) or an ISO 8601 time"
    report.add_argument(
        "--since", type=_bound, metavar="DATE", help=f"posts from then on (inclusive): {when}"
    )
    report.add_argument(
        "--until", type=_bound, metavar="DATE", help=f"posts before then (exclusive): {when}"
    )
    report.add_argument("--channel", metavar="NAME", help="one configured channel's posts only")
    report.add_argument(
        "--format", choices=export.FORMATS, default="csv", help="csv (default) or json"
    )


def _bound(text: str) -> date | datetime:
    try:
        return export.parse_bound(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _channels(settings: Settings, typed: str | None) -> list[str] | None:
    """The channels a command acts on: every one, or the one `--channel` names (its name or
    @chat, any case); None, after one line on stderr naming the channels, for an unknown one."""
    names = [channel.name for channel in settings.channels]
    if typed is None:
        return names
    found = find_channel(settings, typed)
    if found is None:
        print(
            f"newsdesk: unknown channel {typed!r}: the channels are {', '.join(names)}",
            file=sys.stderr,
        )
    return None if found is None else [found]


def digest_command(settings: Settings, args: argparse.Namespace, _path: Path) -> int:
    names = _channels(settings, args.channel)
    if names is None:
        return EXIT_USAGE
    return asyncio.run(_digest(settings, names, dry_run=args.dry_run))


async def _digest(settings: Settings, names: list[str], *, dry_run: bool) -> int:
    if dry_run:  # reads the store only: the bot is built but never meets Telegram
        services = await open_services(settings, build_application(settings).bot, take_lease=False)
        try:
            for name in names:
                post, stories = await services.digests.preview(name)
                if post is None:
                    print(f"{name}: would skip: only {stories} stories posted today")
                    continue
                print(f"--- {name}: {stories} stories posted today ---")
                print(render_preview_text(post))
        finally:
            await services.close()
        return EXIT_OK
    # No lease: the claim in the store keeps a digest to one a day, with the bot running or not.
    async with one_shot_services(settings, take_lease=False) as services:
        results = [await services.digests.make(name) for name in names]
    for result in results:
        print(result.line())
    return EXIT_REJECTED if any(result.troubled for result in results) else EXIT_OK


def report_command(settings: Settings, args: argparse.Namespace, _path: Path) -> int:
    tz = settings.site.tz
    since = None if args.since is None else export.to_instant(args.since, tz)
    until = None if args.until is None else export.to_instant(args.until, tz)
    if since is not None and until is not None and since > until:
        print(
            f"newsdesk: --since {since.isoformat()} is after --until {until.isoformat()}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    names = _channels(settings, args.channel)
    if names is None:
        return EXIT_USAGE
    path = settings.storage.path
    # Opening a missing SQLite file would create an empty store: say the path is wrong instead.
    if settings.storage.url is None and not path.exists():
        print(f"newsdesk: no store at {path} (storage.path): nothing to report", file=sys.stderr)
        return EXIT_USAGE
    channel = names[0] if args.channel is not None else None
    return asyncio.run(_report(settings.storage, since, until, channel, args.format))


async def _report(
    storage: StorageSettings,
    since: datetime | None,
    until: datetime | None,
    channel: str | None,
    fmt: export.Format,
) -> int:
    # The store alone: no bot, no lease (a running bot holds it; WAL lets us read beside it).
    database = await Database.open(storage)
    posts = InsightRepository(database.store).posts(since=since, until=until, channel=channel)
    try:
        await export.write_posts(posts, sys.stdout, fmt)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader left (`| head`): stop quietly. Point stdout at /dev/null so the flushes at
        # exit do not fail again (the Python docs' recipe for SIGPIPE).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        await posts.aclose()  # closes its cursor while the connection lives
        await database.close()
    return EXIT_OK
