"""`newsdesk report`: one row per channel post with what readers did, as CSV or JSON, streamed.

The rows come from `InsightRepository.posts` oldest first and each is written as it arrives,
so the memory an export needs does not grow with the number of posts (bench/report.py measures
it at a million). Numbers only: no title, and nothing that says who saved or reacted.

Formats, decided once here:
- times are ISO 8601 UTC to the second with a `Z` (`2026-12-03T11:50:00Z`); `lag_seconds` is
  whole seconds (rounded down), empty (CSV) or null (JSON) when the site's publication time is
  unknown;
- CSV: a header, then one line per post (`\\n` line ends); `corrected` and `retracted` are `1`/`0`,
  which a spreadsheet can SUM (it ignores TRUE/FALSE in a range); an unknown value is empty. A
  text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`
  (OWASP "CSV injection": a spreadsheet would run it as a formula). Only the site's free text is
  touched (guid, category, language); channel names are the config's own and cannot hold a
  formula (letters, digits, `_ . -`), and a numeric one such as `-100123` must stay as it is;
- JSON: one array written incrementally, one object per line (`[`, `{...},`, …, `]`), so the
  output is valid JSON at the end and still easy to read line by line; booleans are true/false,
  text is left exactly as stored (JSON has no formulas).
"""

from __future__ import annotations

import csv
import json
from collections.abc import AsyncIterable
from datetime import UTC, date, datetime, time, tzinfo
from typing import Literal, TextIO

from bot.domain.insight import PostStats

Format = Literal["csv", "json"]
FORMATS: tuple[Format, ...] = ("csv", "json")

# The columns, then saves_first_hour (the other per-post figure), last so a
# reader of the columns by position is not disturbed.
COLUMNS = (
    "article_id",
    "guid",
    "channel",
    "message_id",
    "published_at",
    "posted_at",
    "lag_seconds",
    "category",
    "language",
    "saves",
    "reactions_total",
    "corrected",
    "retracted",
    "saves_first_hour",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# One encoder for every row (json.dumps with options builds a new one per call).
_JSON = json.JSONEncoder(ensure_ascii=False)


def parse_bound(text: str) -> date | datetime:
    """`--since`/`--until` as given: a date (YYYY-MM-DD) or an ISO 8601 time, zone still open.

    Raises ValueError with a sentence naming what is expected.
    """
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"not a date (YYYY-MM-DD) or an ISO 8601 time (2026-12-03T06:00, with Z or an "
            f"offset for other than the site's zone): {text!r}"
        ) from None


def to_instant(bound: date | datetime, tz: tzinfo) -> datetime:
    """The moment a bound names: a date is midnight in the site's zone, and so is a time
    written without an offset (editors count days in the site's zone)."""
    if isinstance(bound, datetime):
        return bound if bound.tzinfo is not None else bound.replace(tzinfo=tz)
    return datetime.combine(bound, time(), tzinfo=tz)


def _utc(value: datetime | None) -> str | None:
    if value is None:
        return None
    # isoformat always starts "YYYY-MM-DDTHH:MM:SS"; cheaper than strftime, two per row.
    return value.astimezone(UTC).isoformat()[:19] + "Z"


def _lag(post: PostStats) -> int | None:
    lag = post.lag_seconds
    return None if lag is None else int(lag)


def _cell(text: str | None) -> str | None:
    """Free text as a spreadsheet may safely open it (see the module docstring)."""
    if text is not None and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def csv_row(post: PostStats) -> list[str | int | None]:
    """One post as a CSV line's cells, in `COLUMNS` order (None is written as empty)."""
    return [
        post.article_id,
        _cell(post.guid),
        post.channel,
        post.message_id,
        _utc(post.published_at),
        _utc(post.posted_at),
        _lag(post),
        _cell(post.category),
        _cell(post.language),
        post.saves,
        post.reactions,
        int(post.corrections > 0),
        int(post.retracted),
        post.saves_first_hour,
    ]


def json_object(post: PostStats) -> dict[str, object]:
    """One post as a JSON object with `COLUMNS` as keys."""
    return {
        "article_id": post.article_id,
        "guid": post.guid,
        "channel": post.channel,
        "message_id": post.message_id,
        "published_at": _utc(post.published_at),
        "posted_at": _utc(post.posted_at),
        "lag_seconds": _lag(post),
        "category": post.category,
        "language": post.language,
        "saves": post.saves,
        "reactions_total": post.reactions,
        "corrected": post.corrections > 0,
        "retracted": post.retracted,
        "saves_first_hour": post.saves_first_hour,
    }


async def write_csv(posts: AsyncIterable[PostStats], out: TextIO) -> int:
    """The header, then each post as it comes; returns how many posts were written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    async for post in posts:
        writer.writerow(csv_row(post))
        count += 1
    return count


async def write_json(posts: AsyncIterable[PostStats], out: TextIO) -> int:
    """One JSON array, an object per line, each written as it comes; returns the count."""
    out.write("[")
    count = 0
    async for post in posts:
        # One write per row: each write passes the redaction once.
        out.write((",\n" if count else "\n") + _JSON.encode(json_object(post)))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


async def write_posts(posts: AsyncIterable[PostStats], out: TextIO, fmt: Format) -> int:
    """Write `posts` to `out` in `fmt`; returns how many were written."""
    if fmt == "json":
        return await write_json(posts, out)
    return await write_csv(posts, out)
