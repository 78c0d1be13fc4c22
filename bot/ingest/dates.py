"""Publication dates as feeds and pages really write them.

feedparser turns every date it understands into a UTC `struct_time`, which loses one fact that
matters here: whether the source gave a zone at all. A zone-less date is local time of the site,
so the raw string is parsed here first (RFC 822, ISO 8601, the Italian/Portuguese/French/German/
Spanish names and the free-form shapes the corpus shows); feedparser's answer is the fallback.

A small table of month names was preferred over `dateparser`: the shapes are few, the table is
predictable and ~100x faster, and a wrong guess would misplace an article in the channel.
"""

from __future__ import annotations

import email.utils
import re
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

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


def _iso(raw: str, tz: ZoneInfo) -> datetime | None:
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
    if zone is None:
        return naive.replace(tzinfo=tz)
    if zone.upper() == "Z":
        return naive.replace(tzinfo=UTC)
    digits = zone[1:].replace(":", "").ljust(4, "0")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return (naive - offset if zone[0] == "+" else naive + offset).replace(tzinfo=UTC)


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


def _rfc822(text: str, tz: ZoneInfo) -> datetime | None:
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
        return naive.replace(tzinfo=tz)
    return naive.replace(tzinfo=UTC) - timedelta(seconds=parts[9] or 0)


def parse_date(raw: str | None, tz: ZoneInfo) -> datetime | None:
    """An aware datetime from a date string as feeds write them, or None."""
    if not raw:
        return None
    text = " ".join(raw.split())
    found = _iso(text, tz)
    if found is not None:
        return found
    english = _englishify(text)
    found = _rfc822(english, tz)
    if found is not None:
        return found
    for fmt in _FREE_FORM:
        try:
            return datetime.strptime(english, fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    return None


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
