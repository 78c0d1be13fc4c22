"""What a Bot API error means for a post, decided in one place.

python-telegram-bot raises one exception tree for very different situations; the publisher
needs to know which of them may have posted anyway (a read timeout), which must wait (429),
which are worth retrying (connection refused, 5xx) and which need a person (403).
"""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from bot.domain.deliveries import Failure, FailureKind
from bot.domain.errors import MaybeSentError

_PHOTO_ERRORS = (
    "wrong file identifier",
    "failed to get http url content",
    "wrong type of the web page content",
    "photo_invalid",
    "image_process_failed",
    "wrong remote file",
    "photo_save_file_invalid",
    "file is too big",
    "photo_ext_invalid",
    "webpage_media_empty",
    "webpage_curl_failed",
)
_CHANNEL_LOST = (
    "chat not found",
    "not enough rights",
    "need administrator rights",
    "have no rights to send",
    "chat_write_forbidden",
    "channel_private",
)


def retry_after_seconds(exc: RetryAfter) -> float:
    """`retry_after` in seconds, whichever type this python-telegram-bot version returns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _classify_bad_request(text: str) -> FailureKind:
    lowered = text.lower()
    if "can't parse entities" in lowered or "can't find end" in lowered:
        return FailureKind.BAD_MARKUP
    if "message is not modified" in lowered:
        return FailureKind.NOT_MODIFIED
    if any(marker in lowered for marker in _PHOTO_ERRORS):
        return FailureKind.BAD_PHOTO
    if any(marker in lowered for marker in _CHANNEL_LOST):
        return FailureKind.CHANNEL_LOST
    return FailureKind.PERMANENT


def classify(exc: TelegramError) -> Failure:
    """Sort a Bot API error into the publisher's reactions."""
    text = exc.message
    kind = FailureKind.PERMANENT
    if isinstance(exc, RetryAfter):
        return Failure(FailureKind.RATE_LIMITED, text, retry_after=retry_after_seconds(exc))
    if isinstance(exc, ChatMigrated):
        return Failure(FailureKind.MIGRATED, text, new_chat_id=exc.new_chat_id)
    if isinstance(exc, Forbidden):
        kind = FailureKind.CHANNEL_LOST
    elif isinstance(exc, BadRequest):
        kind = _classify_bad_request(text)
    elif isinstance(exc, NetworkError):
        maybe_sent = isinstance(exc.__cause__, MaybeSentError) or (
            isinstance(exc, TimedOut) and exc.__cause__ is None
        )
        kind = FailureKind.AMBIGUOUS if maybe_sent else FailureKind.TRANSIENT
    return Failure(kind, text)
