"""`newsdesk demo`: its arguments and its entry point, kept beside the sandbox they start.

The demo needs no config file, so `bot.cli.main` hands the `demo` command here before it loads
one. Errors are one readable line, like every other `newsdesk` command.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.domain.errors import ConfigError, NewsdeskError
from bot.logs import setup_logging
from sandbox.demo.runner import run_demo
from sandbox.demo.seed import DEMO_TOKEN

DEFAULT_PORT = 8765
EXIT_USAGE = 2  # as `newsdesk` uses it: a usage or configuration problem
DESCRIPTION = (
    "Try newsdesk with no Telegram token: the real bot runs against a local Telegram double, "
    "with sample articles (or a copy of --config's store and its sources), and a web page "
    "shows the channel and a private chat with the bot. Ctrl-C stops it and deletes its files."
)


def add_demo_arguments(parser: argparse.ArgumentParser) -> None:
    """The demo's options (shared by `newsdesk demo` and `python -m sandbox.demo`)."""
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port of the web page on 127.0.0.1 (default: {DEFAULT_PORT}; 0: any free port)",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,  # keeps a top-level `newsdesk --config PATH demo` intact
        help="use this config's sources and a copy of its store instead of the samples "
        "(its token is never used)",
    )
    parser.add_argument(
        "--webhook",
        action="store_true",
        help="run the bot in webhook mode: the Telegram double POSTs updates to it "
        "(default: long polling)",
    )


def _say(line: str, *, error: bool = False) -> None:
    """The command's own output: the page's address, or why it could not start."""
    print(line, file=sys.stderr if error else sys.stdout, flush=True)


def _print_address(url: str) -> None:
    _say(f"newsdesk demo is running: open {url}  (Ctrl-C to stop)")


def demo_command(argv: list[str], *, config: str | None, log_level: str) -> int:
    """`newsdesk [--config PATH] demo [--port N] [--config PATH]`: the CLI hands its rest here."""
    parser = argparse.ArgumentParser(prog="newsdesk demo", description=DESCRIPTION)
    add_demo_arguments(parser)
    args = parser.parse_args(argv)
    if config is not None and not hasattr(args, "config"):
        args.config = config  # `newsdesk --config PATH demo`
    args.log_level = log_level
    return demo_main(args)


def demo_main(args: argparse.Namespace) -> int:
    """Run the demo for parsed arguments; returns the process exit code."""
    setup_logging(getattr(args, "log_level", "WARNING"), DEMO_TOKEN)
    config = getattr(args, "config", None)
    try:
        asyncio.run(
            run_demo(
                port=args.port,
                config=Path(config) if config else None,
                ready=_print_address,
                webhook=args.webhook,
            )
        )
    except ConfigError as exc:
        _say(f"newsdesk: configuration problems in {config}:", error=True)
        for problem in exc.problems:
            _say(f"  - {problem}", error=True)
        return EXIT_USAGE
    except NewsdeskError as exc:
        _say(f"newsdesk: {exc}", error=True)
        return EXIT_USAGE
    except OSError as exc:  # most likely the port is taken
        reason = exc.strerror or str(exc)
        _say(
            f"newsdesk: cannot start the demo: {reason} (--port 0 takes any free port)", error=True
        )
        return EXIT_USAGE
    return 0
