"""Logging set-up for the CLI, with the bot token kept out of every line.

httpx logs request URLs at INFO, and Bot API URLs contain the token, so its logger stays at
WARNING. As a second line of defence a filter replaces the token in any formatted record.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

REDACTED = "<token>"


class RedactFilter(logging.Filter):
    """Replaces a secret in the final message and traceback of every record."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drop it."""
        if not self._secret:
            return True
        message = record.getMessage()
        if self._secret in message:
            record.msg = message.replace(self._secret, REDACTED)
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if self._secret in text:
                record.exc_text = text.replace(self._secret, REDACTED)
        return True


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time, not the one at set-up."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def setup_logging(level: str = "INFO", secret: str = "") -> None:
    """Log to stderr at `level`; quiet the chatty libraries; redact `secret`."""
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactFilter(secret))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
