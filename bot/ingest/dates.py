"""Publication dates as feeds and pages really write them.

feedparser turns every date it understands into a UTC `struct_time`, which loses one fact that
matters here: whether the source gave a zone, or a time of day, at all. So the raw string is read
here first (RFC 822, ISO 8601, the Italian/Portuguese/French/German/Spanish names and the free-form
shapes the corpus shows) into a `DateReading`; feedparser's answer is the fallback. A zone-less
time in a feed is in the offset the feed states elsewhere, else in the site's zone; a date with
no time of day is that day, shown without a time.

A small table of month names was preferred over `dateparser`: the shapes are few, the table is
predictable and ~100x faster, and a wrong guess would misplace an article in the channel.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

_MONTHS = {
    # English
    **{m: i for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )},
    "sept": 9,
    # Italian
    "gen": 1, "mag": 5, "giu": 6, "lug": 7, "ago": 8, "set": 9, "ott": 10, "dic": 12,
    "gennaio": 1, "febbraio": 2, "marzo": 3, "aprile": 4, "maggio": 5, "giugno": 6,
    "luglio": 7, "agosto": 8, "settembre": 9, "ottobre": 10, "novembre": 11, "dicembre": 12,
    # Portuguese
    "fev": 2, "abr": 4, "mai": 5, "out": 10, "dez": 12,
    "janeiro": 1, "fevereiro": 2, "março": 3, "marco": 3, "abril": 4, "maio": 5, "junho": 6,
    "julho": 7, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
    # Spanish
    "ene": 1, "enero": 1, "febrero": 2, "mayo": 5, "junio": 6, "julio": 7,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    # French
    "janv": 1, "févr": 2, "fevr": 2, "avr": 4, "juin": 6, "juil": 7, "août": 8, "aout": 8,
    "déc": 12, "janvier": 1, "février": 2, "mars": 3, "avril": 4, "juillet": 7,
    "septembre": 9, "octobre": 10, "décembre": 12,
    # German
    "mär": 3, "mrz": 3, "okt": 10, "januar": 1, "februar": 2, "märz": 3, "juni": 6,
    "juli": 7, "oktober": 10, "dezember": 12,
    # English full names
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_MONTH_ABBR = [
    "", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
]  # fmt: skip
# Zone names email.utils does not know, as the corpus' European feeds write them.
_ZONES = {"CET": "+0100", "CEST": "+0200", "EET": "+0200", "EEST": "+0300", "MSK": "+0300"}

_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?$",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+\.?", re.UNICODE)
_WEEKDAY_FIRST = re.compile(r"^[^\W\d_]+\.?,\s*", re.UNICODE)
_CLOCK = re.compile(r"\d:\d{2}")
_ZONE_AT_END = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[A-Za-z]{1,5}|[+-]\d{4})$")
_FREE_FORM = (
    "%d %b %Y %H:%M:%S",
    "%d %b %Y %H:%M",
    "%b %d %Y %I:%M %p",
    "%b %d %Y %H:%M",
    "%b %d %Y",
    "%d %b %Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d/%m/%Y %H:%M",
    "%Y/%m/%d %H:%M",
)
_RELATIVE = re.compile(
    r"^(?:(\d+|an?|one)\s+(second|minute|hour|day|week|month|year)s?\s+ago|(just now|now|today)"
    r"|(yesterday))$",
    re.IGNORECASE,
)
_UNIT_SECONDS = {
    "second": 1,
    "minute": 60,
    "hour": 3600,
    "day": 86_400,
    "week": 7 * 86_400,
    "month": 30 * 86_400,  # "2 months ago" on a page is an approximation already
    "year": 365 * 86_400,
}


@dataclass(frozen=True)
class DateReading:
    """A date as the source wrote it: wall time, the offset it stated (if any), and whether it
    gave a time of day at all. Resolving is left to the caller, who knows the feed's zone."""

    wall: datetime  # naive
    offset: timedelta | None
    has_time: bool

    def resolve(self, zone: tzinfo) -> datetime:
        """The instant, reading a zone-less time in `zone`."""
        if self.offset is None:
            return self.wall.replace(tzinfo=zone)
        return (self.wall - self.offset).replace(tzinfo=UTC)


def _iso(raw: str) -> DateReading | None:
    match = _ISO.match(raw)
    if match is None:
        return None
    *parts, fraction, zone = match.groups()
    year, month, day, hour, minute, second = (int(part or 0) for part in parts)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        naive = datetime(year, month, day, hour, minute, second, micro)
    except ValueError:
        return None
    has_time = parts[3] is not None
    if zone is None:
        return DateReading(naive, None, has_time)
    if zone.upper() == "Z":
        return DateReading(naive, timedelta(0), has_time)
    digits = zone[1:].replace(":", "").ljust(4, "0")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return DateReading(naive, offset if zone[0] == "+" else -offset, has_time)


def _englishify(raw: str) -> str:
    """Drop weekday names, turn localised month names into English abbreviations."""
    words: list[str] = []
    # A leading "word," is a weekday; dropping it first keeps Italian "mar," (Tuesday) from
    # being read as March.
    raw = _WEEKDAY_FIRST.sub("", raw)
    for token in raw.replace(",", " ").split():
        key = token.lower().rstrip(".")
        if _WORD.fullmatch(token) and key in _MONTHS:
            words.append(_MONTH_ABBR[_MONTHS[key]])
        elif _WORD.fullmatch(token) and token.upper() not in {"AM", "PM", "GMT", "UTC", "UT"}:
            zone = _ZONES.get(token.upper())
            if zone is not None:
                words.append(zone)
            elif len(token) <= 4 and token.isupper() and words:
                words.append(token)  # a zone name email.utils knows (EST, PDT…)
            # anything else is a weekday or filler ("de", "à"): dropped
        else:
            words.append(token)
    return " ".join(words)


def _rfc822(text: str) -> DateReading | None:
    if text[-2:].upper() in {"AM", "PM"}:
        return None  # a 12-hour clock: email.utils would read "PM" as a zone
    parts = email.utils.parsedate_tz(text)
    if parts is None or parts[0] < 1900:
        return None
    try:
        naive = datetime(*parts[:6])
    except ValueError:
        return None
    if not _ZONE_AT_END.search(text):
        return DateReading(naive, None, True)
    return DateReading(naive, timedelta(seconds=parts[9] or 0), True)


def read_date(raw: str | None) -> DateReading | None:
    """What a date string as feeds write them says, before any zone is assumed; or None."""
    if not raw:
        return None
    text = " ".join(raw.split())
    found = _iso(text)
    if found is not None:
        return found
    english = _englishify(text)
    found = _rfc822(english)
    if found is not None:
        return found
    for fmt in _FREE_FORM:
        try:
            wall = datetime.strptime(english, fmt)
        except ValueError:
            continue
        return DateReading(wall, None, "%H" in fmt or "%I" in fmt)
    return None


def parse_date(raw: str | None, tz: tzinfo) -> datetime | None:
    """An aware datetime from a date string as feeds write them (zone-less: in `tz`), or None."""
    reading = read_date(raw)
    return reading.resolve(tz) if reading is not None else None


def from_struct(value: time.struct_time | None) -> datetime | None:
    """feedparser's UTC `struct_time` as an aware datetime."""
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (ValueError, TypeError):
        return None


def parse_relative(raw: str, now: datetime) -> datetime | None:
    """'2 months ago', 'an hour ago', 'yesterday' resolved against `now`."""
    match = _RELATIVE.match(" ".join(raw.split()))
    if match is None:
        return None
    count, unit, today, yesterday = match.groups()
    if today:
        return now
    if yesterday:
        return now - timedelta(days=1)
    amount = 1 if count.lower() in {"a", "an", "one"} else int(count)
    return now - timedelta(seconds=amount * _UNIT_SECONDS[unit.lower()])


def feed_zone(readings: Iterable[DateReading | None], tz: tzinfo) -> tzinfo:
    """The zone for a feed's zone-less times: the offset its other dates state most, else `tz`.

    A feed that writes "+0530" on its channel date and on most items means that offset for
    the one item it wrote without a zone; the site's zone is only a guess when it says none.
    """
    offsets = Counter(r.offset for r in readings if r is not None and r.offset is not None)
    if not offsets:
        return tz
    return timezone(offsets.most_common(1)[0][0])


def feed_instant(reading: DateReading, zone: tzinfo) -> tuple[datetime, bool]:
    """(published_at, date_only): a date without a time is that day at 00:00 UTC, flagged."""
    if not reading.has_time:
        wall = reading.wall
        return datetime(wall.year, wall.month, wall.day, tzinfo=UTC), True
    return reading.resolve(zone), False


def struct_reading(value: time.struct_time | None, raw: str | None) -> DateReading | None:
    """feedparser's UTC answer for a date we could not read, as a reading."""
    found = from_struct(value)
    if found is None:
        return None
    has_time = raw is None or bool(_CLOCK.search(raw))
    return DateReading(found.replace(tzinfo=None), timedelta(0), has_time)
