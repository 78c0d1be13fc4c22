"""A page's publication time from what it states, never a guess.

trafilatura (through htmldate) guesses when a page states nothing: a 2013 article came out
dated 1 January 2013, a 2019 one 2020. So only explicit statements are read (JSON-LD
`datePublished`, `article:published_time` and its kin, microdata), in that order:
- a time with an offset is that instant;
- a time without one takes the offset the page states on another of its dates, else UTC;
- a bare date ("2020-02-18", "20170113"), or a time of exactly 00:00:00 local — how print
  archives write a bare date — is a date only: 00:00 UTC of that day, shown without a time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.ingest.dates import parse_date

_UTC = ZoneInfo("UTC")

# Arabic-Indic and Persian digits, as some sites write their dates.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_DATE_ONLY = re.compile(r"^(\d{4})-?(\d{1,2})-?(\d{1,2})$")
_OFFSET = re.compile(r"(?:(Z)|([+-])(\d{2}):?(\d{2})|\b(GMT|UTC|UT))\s*$", re.IGNORECASE)


def page_date(dates: list[str], others: list[str]) -> tuple[datetime | None, bool]:
    """The first stated publication time that parses, and whether it is a date only."""
    hint = next((o for raw in dates + others if (o := _offset(raw)) is not None), None)
    for raw in dates:
        found = _read(raw, hint)
        if found is not None:
            return found
    return None, False


def _offset(raw: str) -> timedelta | None:
    match = _OFFSET.search(raw.strip())
    if match is None:
        return None
    zulu, sign, hours, minutes, named = match.groups()
    if zulu or named:
        return timedelta(0)
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    return -offset if sign == "-" else offset


def _read(raw: str, hint: timedelta | None) -> tuple[datetime, bool] | None:
    text = " ".join(raw.translate(_DIGITS).split())
    bare = _DATE_ONLY.match(text)
    if bare is not None:
        try:
            year, month, day_of_month = (int(part) for part in bare.groups())
            day = datetime(year, month, day_of_month, tzinfo=UTC)
        except ValueError:
            return None
        return day, True
    offset = _offset(text)
    parsed = parse_date(text, _UTC)  # zone-less values come back as if in UTC
    if parsed is None or not 1990 <= parsed.year <= 2100:
        return None
    if offset is None:
        offset = hint or timedelta(0)
        parsed = parsed - offset
    local = parsed.astimezone(timezone(offset))
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return datetime(local.year, local.month, local.day, tzinfo=UTC), True
    return local, False
