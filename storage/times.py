"""Reading the times found in the store, whoever wrote them: one tolerant parser.

newsdesk writes ISO 8601 UTC with milliseconds ("2026-12-01T05:00:54.000Z", see
`storage.articles.to_db_time`), which sorts as text. The site writes `articles` rows itself,
and its systems may use any common form; the SQL triggers (migration 0012) normalise what SQL
can, and this parser reads the rest when the publisher repairs flagged rows: ISO 8601 in its
variants (space or "T", offsets with or without a colon, a UTC/GMT/UT/Z suffix, basic
"20261201"), RFC 822 / RFC 2822 dates ("Tue, 01 Dec 2026 05:00:54 GMT", "+0300", named US
zones), and epoch seconds or milliseconds. It never raises: what it cannot read is None, and
the caller quarantines the row. A naive time is UTC, as the schema documents.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_EPOCH = re.compile(r"\d{9,14}(?:\.\d+)?")
_ZONE_NAME = re.compile(r"\s*(?:UTC|GMT|UT|Z)$", re.IGNORECASE)


def parse_time(value: object) -> datetime | None:
    """The moment `value` names, timezone-aware in UTC; None if it cannot be read."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) == 24 and text[23] == "Z" and text[10] == "T":
        # What newsdesk writes (`to_db_time`), so nearly every stored time: read directly
        # (the tolerant path below costs ~8x more, and an export reads two per row).
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass  # not a real date after all: the tolerant path decides
    try:
        parsed = _epoch(text) or _iso(text) or _rfc822(text)
        if parsed is None:
            return None
        parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
        result = parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # e.g. year 1 with a positive offset
        return None
    return result


def _epoch(text: str) -> datetime | None:
    if not _EPOCH.fullmatch(text):
        return None
    seconds = float(text)
    if len(text.split(".", maxsplit=1)[0]) >= 12:
        seconds /= 1000  # milliseconds, as JavaScript and many exports write them
    return datetime.fromtimestamp(seconds, tz=UTC)


def _iso(text: str) -> datetime | None:
    cleaned = _ZONE_NAME.sub("+00:00", text)
    if len(cleaned) > 10 and cleaned[10] in "tT ":
        cleaned = cleaned[:10] + "T" + cleaned[11:].replace(" ", "")
    try:
        return datetime.fromisoformat(cleaned)
    except ValueError:
        return None


def _rfc822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
