"""Logging set-up for the CLI, with the bot token (and the database password) out of every line.

httpx logs request URLs at INFO, and Bot API URLs contain the token, so its logger stays at
WARNING. As a second line of defence a filter on the handler redacts the token, and anything
token-shaped, from every record: its message, its traceback (exception messages included: a
library's exception may quote the token) and its stack.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from bot.redaction import REDACTED, redact

__all__ = ["REDACTED", "RedactFilter", "setup_logging"]


class RedactFilter(logging.Filter):
    """Redacts secrets and token-shaped text in the final message and traceback of every record."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drop it."""
        try:
            message = record.getMessage()
        except Exception:  # a bad format string still deserves a redacted line
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = redact(message, self._secrets)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text, self._secrets)
        elif record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self._secrets)
        return True


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time, not the one at set-up."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def setup_logging(level: str = "INFO", *secrets: str) -> None:
    """Log to stderr at `level`; quiet the chatty libraries; redact `secrets` and token shapes."""
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactFilter(*secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
