"""The CLI's exit codes, and how any exception becomes one of them with one readable line.

    0   done
    1   done, but some input was rejected (an import line, a post that failed, a feed)
    2   the environment, the configuration or the store is wrong: a bad config, a token
        Telegram rejects, a Bot API that cannot be reached or does not answer, a full disk,
        a read-only or unusable store, a PostgreSQL store that cannot be reached, a second bot
        on the same store
    3   this bot lost its instance lease to another process (it was paused or cut off for
        longer than storage.lease_ttl_seconds) and stopped
    70  an unexpected error: a bug in newsdesk (EX_SOFTWARE); the traceback is logged at DEBUG

The person reading the line is an operator: it names the problem and what to do, never holds a
traceback, and is redacted by the caller (a library's message may quote the token).
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut

from bot.config import TOKEN_ENV, Settings
from bot.domain.errors import LeaseLostError, NewsdeskError
from bot.redaction import redact

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2
EXIT_LEASE_LOST = 3
EXIT_BUG = 70

TOKEN_REJECTED = f"Telegram rejected the bot token — check telegram.token or ${TOKEN_ENV}"
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


@dataclass(frozen=True)
class Exit:
    """What the CLI does about a failure: print `message`, exit with `code`."""

    code: int
    message: str


def classify(exc: BaseException, settings: Settings | None) -> Exit:
    """The exit for `exc`, looking through the exceptions it was raised from."""
    for error in _chain(exc):
        known = _known(error, settings)
        if known is not None:
            return known
    return Exit(
        EXIT_BUG,
        f"unexpected error: {type(exc).__name__}: {exc} — this is a bug in newsdesk; "
        "please report it with the output of --log-level DEBUG",
    )


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, then what it was raised from or while handling, outermost first."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _known(error: BaseException, settings: Settings | None) -> Exit | None:
    if isinstance(error, LeaseLostError):
        return Exit(EXIT_LEASE_LOST, str(error))
    if isinstance(error, NewsdeskError):  # a ConfigError's text is its problems, joined
        return Exit(EXIT_USAGE, str(error))
    if isinstance(error, TelegramError):
        return _telegram(error, settings)
    if isinstance(error, sqlite3.Error):
        return Exit(
            EXIT_USAGE,
            f"the store cannot be used: {error} — check storage.path, the disk, and that no "
            "other program holds the database",
        )
    if isinstance(error, OSError):
        return _system(error)
    return None


def _telegram(error: TelegramError, settings: Settings | None) -> Exit:
    if isinstance(error, InvalidToken):
        return Exit(EXIT_USAGE, TOKEN_REJECTED)
    where = "the Telegram Bot API"
    if settings is not None:
        url = redact(settings.telegram.api_base_url, [settings.telegram.token.get_secret_value()])
        where = f"the Telegram Bot API at {url}"
    if isinstance(error, TimedOut):
        timeout = f" within {settings.telegram.request_timeout_seconds:g} s" if settings else ""
        return Exit(
            EXIT_USAGE,
            f"{where} did not answer{timeout} (telegram.request_timeout_seconds) — check the "
            "network and telegram.api_base_url, then start again",
        )
    if isinstance(error, NetworkError):
        return Exit(
            EXIT_USAGE,
            f"cannot reach {where} ({error.message}) — check the network and "
            "telegram.api_base_url, then start again",
        )
    return Exit(
        EXIT_USAGE,
        f"{where} refused a request: {error.message} — check telegram.channel (the bot must be "
        "an admin there) and the other [telegram] settings",
    )


def _system(error: OSError) -> Exit:
    name = f" ({error.filename})" if error.filename else ""
    if error.errno in _DISK_FULL:
        return Exit(EXIT_USAGE, f"the disk is full{name}: free some space, then run again")
    if error.errno in _READ_ONLY:
        return Exit(
            EXIT_USAGE,
            f"cannot write{name}: {error.strerror} — make it writable for this user, or use "
            "another place",
        )
    return Exit(EXIT_USAGE, f"system error{name}: {error.strerror or error}")
