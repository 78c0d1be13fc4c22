"""The one global error handler: log with the traceback, then tell the admins — sparingly.

Every unexpected exception is logged in full. The admins get a private message about it at most
once per error *kind* (exception type and where it was raised) per 10 minutes, so a failure
that repeats on every update is one message, not a flood; the message stays under Telegram's
4096 characters and never contains the bot token (which would sit in any Bot API URL).
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from telegram import Update

from bot import catalogue
from bot.notify import AdminNotifier
from bot.redaction import redact
from bot.rendering.text import escape_html

logger = logging.getLogger(__name__)

EVERY_SECONDS = 600.0
MAX_MESSAGE = 4000  # under Telegram's 4096, after escaping
_OURS = ("bot", "handlers", "storage")


def error_kind(error: BaseException) -> str:
    """Type plus the innermost frame in our code: the same bug from anywhere is one kind."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if any(part in _OURS for part in Path(f.filename).parts[-3:-1])]
    where = ours[-1] if ours else (frames[-1] if frames else None)
    place = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
    return f"{type(error).__module__}.{type(error).__qualname__}{place}"


def describe_update(update: object) -> str:
    """A short, safe line about what was being handled."""
    if not isinstance(update, Update):
        return "no update (a job or a background task)"
    user = update.effective_user
    message = update.effective_message
    what = "button press" if update.callback_query else "message"
    text = (message.text or message.caption or "")[:80] if message else ""
    who = f"user {user.id}" if user else "unknown user"
    return f"{what} from {who}: {text!r}" if text else f"{what} from {who}"


class ErrorReporter:
    """Rate-limited reports of unexpected errors to the admins."""

    def __init__(
        self,
        notifier: AdminNotifier,
        secret: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        every_seconds: float = EVERY_SECONDS,
    ) -> None:
        self._notifier = notifier
        self._secret = secret
        self._clock = clock
        self._every = every_seconds
        self._last: dict[str, float] = {}

    def redact(self, text: str) -> str:
        """Remove the token, ours and anything shaped like one (the CLI's and logs' rule)."""
        return redact(text, (self._secret,))

    async def report(self, update: object, error: BaseException) -> bool:
        """Tell the admins unless this kind was reported in the last 10 minutes."""
        kind = error_kind(error)
        now = self._clock()
        last = self._last.get(kind)
        if last is not None and now - last < self._every:
            logger.info("not telling the admins again about %s", kind)
            return False
        self._last[kind] = now
        await self._notifier.send(lambda language: self.message(update, error, kind, language))
        return True

    def message(
        self,
        update: object,
        error: BaseException,
        kind: str,
        language: str = catalogue.DEFAULT_LANGUAGE,
    ) -> str:
        """The report as HTML, shortest traceback tail first to go, under the limit.

        The frame is in the editor's language; what it reports (the error, the update, the
        traceback) is the program's own text and stays as Python wrote it.
        """
        minutes = self._every / 60
        head = catalogue.text(
            "error_report",
            language,
            kind=escape_html(self.redact(kind)),
            error=escape_html(self.redact(str(error))[:500]),
            update=escape_html(self.redact(describe_update(update))),
            every=catalogue.plural(
                "report_every",
                language,
                int(minutes) if minutes.is_integer() else minutes,
                mark=False,
            ),
        )
        # The frames only: the error's own text is in the head already, cut to 500 characters.
        trace = self.redact("".join(traceback.format_tb(error.__traceback__)))
        room = MAX_MESSAGE - len(head) - len("\n<pre></pre>")
        escaped = escape_html(trace)
        while len(escaped) > room and trace:
            trace = trace[len(trace) // 4 :]  # keep the end: the innermost frames
            escaped = escape_html("…" + trace)
        return f"{head}\n<pre>{escaped}</pre>" if escaped and room > 0 else head


def log_error(update: object, error: BaseException | None) -> None:
    """Log first, always: the report to the admins may itself fail."""
    logger.error("unhandled error while handling %s", describe_update(update), exc_info=error)
