"""Keeping bot tokens (and database passwords) out of every line newsdesk writes.

A token is redacted twice over: the configured token (and its secret half) wherever it appears,
and anything *shaped* like a token (`<digits>:<30+ token characters>`, the colon possibly
percent-encoded), because a token can reach output without being the configured one: pasted into
`api_base_url`, echoed back in a config error, or quoted by a library's exception message
(python-telegram-bot's `InvalidToken` holds the whole token). A password in a URL
(`postgresql://user:secret@host`) is masked as `***` wherever a URL is written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import TextIO

REDACTED = "<token>"
# Real tokens are 8-10 digits, a colon and 35 characters; 30+ leaves a margin without matching
# clock times or ids. `%3A` is the colon as a URL-encoding library writes it.
TOKEN_SHAPED = re.compile(r"\d{1,20}(?::|%3[Aa])[A-Za-z0-9_-]{30,}")
# What every token-shaped text contains (the colon, or the "%" of "%3A", then 30 token
# characters): found far faster than TOKEN_SHAPED, whose every digit starts a match attempt, so
# text without it (most lines; an export's rows) skips the substitution. Same result either way.
_TOKEN_TAIL = re.compile(r"[:%][A-Za-z0-9_-]{30}")
# The password in a URL's user information ("postgresql://user:secret@host"), of any length.
_URL_PASSWORD = re.compile(r"(://[^/?#@\s:]*:)[^/?#@\s]+@")
# A secret half shorter than this is too generic to replace alone (it could be an ordinary word).
_MIN_SECRET_PART = 8


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with each secret (and its half after a colon), URL passwords and tokens masked."""
    if "://" in text:
        text = _URL_PASSWORD.sub(r"\1***@", text)
    for secret in secrets:
        if not secret:
            continue
        text = text.replace(secret, REDACTED)
        _, colon, part = secret.partition(":")
        if colon and len(part) >= _MIN_SECRET_PART:
            text = text.replace(part, REDACTED)
    if _TOKEN_TAIL.search(text) is None:
        return text
    return TOKEN_SHAPED.sub(REDACTED, text)


class RedactingStream(io.TextIOBase):
    """A text stream that redacts every write before passing it to the stream it wraps.

    The CLI puts stdout and stderr behind one of these, so whatever prints (our messages, a
    library's warning, an exception hook in a thread) goes through `redact` first. `secrets` is
    shared and may grow once the configuration is read.
    """

    def __init__(self, inner: TextIO, secrets: list[str]) -> None:
        super().__init__()
        self._inner = inner
        self._secrets = secrets

    def write(self, text: str) -> int:
        """Redact, then write; report the length of what the caller gave."""
        self._inner.write(redact(text, self._secrets))
        return len(text)

    def flush(self) -> None:
        """Flush the wrapped stream."""
        self._inner.flush()

    def writable(self) -> bool:
        """Always: this is an output stream."""
        return True

    def isatty(self) -> bool:
        """Whether the wrapped stream is a terminal."""
        return bool(self._inner.isatty())

    def fileno(self) -> int:
        """The wrapped stream's descriptor (for code that needs one, such as faulthandler)."""
        return int(self._inner.fileno())

    @property
    def encoding(self) -> str:  # type: ignore[override]  # read-only here, as on real streams
        """The wrapped stream's encoding."""
        return self._inner.encoding
