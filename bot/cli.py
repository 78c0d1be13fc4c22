"""The `newsdesk` command line: load config, set up logging, call the right entry point.

Exit codes (`bot.exits`): 0 done, 1 done with some input rejected, 2 an environment,
configuration or store problem (a bad config, a token Telegram rejects, a Bot API that cannot be
reached or does not answer, a full disk, a read-only or unusable store, a bot already running on
it), 3 this bot lost its instance lease to another process and stopped, 70 a bug.

One error boundary (`main`) turns every exception into one readable line on stderr, never a
traceback, and everything written to stdout and stderr meanwhile passes through the redaction:
the bot token, and anything shaped like one, never reaches the terminal or the logs.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bot import __version__
from bot.app import build_application
from bot.cli_insight import digest_command, insight_parsers, report_command
from bot.clock import utc_now
from bot.config import Settings, config_path, load_settings
from bot.config import secrets as settings_secrets
from bot.config_summary import summary
from bot.domain.errors import ConfigError
from bot.exits import EXIT_BUG, EXIT_OK, EXIT_REJECTED, EXIT_USAGE, classify
from bot.ingest.importer import import_files
from bot.logs import setup_logging
from bot.oneshot import one_shot_services
from bot.redaction import RedactingStream, redact
from bot.rendering import render_preview_text
from bot.services import open_services
from bot.serving import serve_forever
from bot.store_copy import add_parser as migrate_store_parser
from bot.store_copy import migrate_store_command

logger = logging.getLogger(__name__)
EXIT_INTERRUPTED = 130  # the shell's code for SIGINT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="A Telegram channel bot for a news website.",
    )
    parser.add_argument("--version", action="version", version=f"newsdesk {__version__}")
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="the TOML config file (default: $NEWSDESK_CONFIG, else ./config.toml)",
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="how much to log (default: INFO)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser(
        "run",
        help="run the bot: long polling (or a webhook server) plus the publishing jobs",
        description="Run the bot.",
    )
    commands.add_parser(
        "check-config",
        help="validate the config and print a summary (token redacted)",
        description="Validate the configuration file and print a summary with the token redacted.",
    )
    importer = commands.add_parser(
        "import",
        help="store articles from files (.jsonl, feeds, article pages)",
        description="Store articles from files: JSON Lines (.jsonl, one article per line), "
        "feeds (.xml .rss .atom .rdf .json, gzipped too) and article pages (.html .htm, "
        "and .txt page text as the site serves it).",
    )
    importer.add_argument("files", nargs="+", metavar="FILE", type=Path)
    importer.add_argument(
        "--now",
        type=_aware_datetime,
        metavar="ISO-8601",
        help="the time relative dates in .txt pages ('2 months ago') count from "
        "(default: each file's modification time)",
    )
    commands.add_parser(
        "fetch",
        help="fetch every enabled source once and store what is new",
        description="Poll every enabled [[sources]] feed once; print new / updated / unchanged "
        "/ failed per source. Exit 1 if a source failed.",
    )
    publish = commands.add_parser(
        "publish",
        help="run one publishing pass now (or show what it would post)",
        description="Post what is due to the channel once, then exit. It may run beside the "
        "bot on the same database: each post is claimed in the store, so none goes out twice.",
    )
    publish.add_argument(
        "--dry-run",
        action="store_true",
        help="print the posts that would go out now, as Telegram would show them; send nothing",
    )
    insight_parsers(commands)
    migrate_store_parser(commands)
    # The sandbox (`sandbox.demo`) is not part of the product: it is imported only when the
    # demo runs, and parses its own options (`newsdesk demo --help` shows them).
    commands.add_parser(
        "demo",
        help="try newsdesk without a token: the real bot, a local Telegram, a web page",
        add_help=False,
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `newsdesk` console script."""
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "demo":  # needs no config file: it builds its own settings
        from sandbox.demo.command import demo_command  # noqa: PLC0415 - the sandbox, on demand

        return demo_command(extra, config=args.config, log_level=args.log_level)
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    secrets: list[str] = []  # grows to hold the token and password once the config is read
    with _redacted_output(secrets):
        return _main(args, secrets)


@contextmanager
def _redacted_output(secrets: list[str]) -> Iterator[None]:
    """Put stdout and stderr behind the redaction for as long as the command runs."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout = RedactingStream(stdout, secrets)
    sys.stderr = RedactingStream(stderr, secrets)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = stdout, stderr


def _main(args: argparse.Namespace, secrets: list[str]) -> int:
    """The error boundary: whatever goes wrong is one redacted line and a documented code."""
    path = config_path(args.config)
    settings: Settings | None = None
    try:
        try:
            settings = load_settings(path)
        except ConfigError as exc:
            print(f"newsdesk: configuration problems in {path}:", file=sys.stderr)
            for problem in exc.problems:
                print(f"  - {redact(problem)}", file=sys.stderr)
            return EXIT_USAGE
        secrets.extend(settings_secrets(settings))
        setup_logging(args.log_level, *secrets)
        return _COMMANDS[args.command](settings, args, path)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:  # the boundary: classified below, never a traceback
        failure = classify(exc, settings)
        if failure.code == EXIT_BUG:
            logger.debug("the unexpected error in full", exc_info=exc)
        print(f"newsdesk: {redact(failure.message, secrets)}", file=sys.stderr)
        return failure.code


def _check_config(settings: Settings, _args: argparse.Namespace, path: Path) -> int:
    print(f"{path}: OK")
    print(summary(settings))
    if not settings.telegram.admins:
        print("warning: telegram.admins is empty: nobody can use the admin commands")
    return EXIT_OK


def _aware_datetime(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _import_command(settings: Settings, args: argparse.Namespace, _path: Path) -> int:
    return asyncio.run(_import(settings, args.files, args.now))


def _fetch_command(settings: Settings, _args: argparse.Namespace, _path: Path) -> int:
    return asyncio.run(_fetch(settings))


async def _fetch(settings: Settings) -> int:
    if not any(source.enabled for source in settings.sources):
        print("no enabled [[sources]] in the configuration: nothing to fetch")
        return EXIT_OK
    services = await open_services(settings, build_application(settings).bot, take_lease=False)
    try:
        reports = await services.sources.fetch_all()
    finally:
        await services.close()
    for report in reports:
        print(report.line())
    return EXIT_REJECTED if any(report.failed for report in reports) else EXIT_OK


async def _import(settings: Settings, files: list[Path], now: datetime | None) -> int:
    # Importing talks to no one: the bot is built (the services need one) but never initialised.
    services = await open_services(settings, build_application(settings).bot, take_lease=False)
    try:
        report = await import_files(
            files,
            services.articles,
            tz=settings.site.tz,
            now=utc_now(),
            page_time=now,
            pages=services.pages,
        )
    finally:
        await services.close()
    for rejection in report.rejections:
        print(f"rejected {rejection}", file=sys.stderr)
    print(report.line())
    return EXIT_REJECTED if report.rejections else EXIT_OK


def _run(settings: Settings, _args: argparse.Namespace, _path: Path) -> int:
    app = build_application(settings)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # serve_forever runs on this loop, where the bot met Telegram
    try:
        # Meet Telegram (getMe) ourselves first: a rejected token or a Bot API that cannot be
        # reached is then one classified error, not python-telegram-bot's logged traceback.
        loop.run_until_complete(app.bot.initialize())
    except BaseException:
        loop.run_until_complete(app.bot.shutdown())  # close the HTTP sessions it opened
        loop.close()
        asyncio.set_event_loop(None)
        raise
    try:
        serve_forever(app)
    except Exception:
        # After a lost lease, whatever failed while stopping (a request timed out during the
        # pause) matters less than the reason to stop.
        if app.bot_data.lease_lost is None:
            raise
    if app.bot_data.lease_lost is not None:  # another process is the bot now: say so, exit 3
        raise app.bot_data.lease_lost
    return EXIT_OK


def _publish_command(settings: Settings, args: argparse.Namespace, _path: Path) -> int:
    return asyncio.run(_publish(settings, dry_run=args.dry_run))


async def _publish(settings: Settings, *, dry_run: bool) -> int:
    if dry_run:
        app = build_application(settings)
        services = await open_services(settings, app.bot, take_lease=False)
        try:
            due = await services.publisher.would_post()
        finally:
            await services.close()
        for article in due:
            print(f"--- article {article.id} ---")
            print(render_preview_text(services.publisher.render(article)))
        print(f"{len(due)} post(s) would go out now")
        return EXIT_OK
    # No lease: a pass beside the running bot (or another pass) is safe because every post is
    # claimed in the store first (`DeliveryRepository.claim`), and a one-shot pass never runs
    # `publisher.start()`, which would take another process's `sending` rows for interrupted.
    async with one_shot_services(settings, take_lease=False) as services:
        report = await services.publisher.run_pass()
    print(
        f"posted {len(report.posted)}, corrected {len(report.corrected)}, "
        f"failed {len(report.failed)}, uncertain {len(report.uncertain)}"
        + (f"; publishing is paused: {report.paused}" if report.paused else "")
    )
    return EXIT_REJECTED if report.failed or report.uncertain else EXIT_OK


def _migrate_store(settings: Settings, args: argparse.Namespace, _path: Path) -> int:
    return migrate_store_command(settings, args, print)


_COMMANDS: dict[str, Callable[[Settings, argparse.Namespace, Path], int]] = {
    "run": _run,
    "check-config": _check_config,
    "import": _import_command,
    "publish": _publish_command,
    "fetch": _fetch_command,
    "digest": digest_command,
    "report": report_command,
    "migrate-store": _migrate_store,
}
