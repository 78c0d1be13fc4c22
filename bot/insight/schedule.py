"""When the weekly report goes out, and which seven days it covers.

`[insight] weekly_report = "mon 09:00"` names a weekday and a time in the site's zone. The
report made then covers the seven local days before the scheduled day, midnight to midnight: a
Monday report covers the previous Monday 00:00 to this Monday 00:00, one full ISO week. Its
period key is the ISO week of the last day covered ("2026-W48"), which is different for every
scheduled moment whatever the weekday, so one claim per editor per key means once a week.

Local midnights are turned into UTC instants here, so a week across a clock change has 167 or
169 hours, as the desk lived it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EXPECTED = (
    'expected a weekday and a 24-hour time in site.timezone, such as "mon 09:00" '
    '(mon, tue, wed, thu, fri, sat or sun, then HH:MM), or "" for no weekly report'
)
_SHAPE = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)\s+([01]?[0-9]|2[0-3]):([0-5][0-9])$")
DAYS_COVERED = 7


@dataclass(frozen=True)
class ReportWeek:
    """The seven local days one report covers, as UTC instants and as its period key."""

    days: tuple[date, ...]
    since: datetime  # the first day's local midnight, in UTC
    until: datetime  # the day after the last one, local midnight, in UTC (exclusive)
    period: str  # "2026-W48": the ISO week of the last day covered

    @classmethod
    def ending(cls, day_after: date, tz: tzinfo) -> ReportWeek:
        """The seven days before `day_after` (local), midnight to midnight."""
        first = day_after - timedelta(days=DAYS_COVERED)
        days = tuple(first + timedelta(days=n) for n in range(DAYS_COVERED))
        iso = days[-1].isocalendar()
        return cls(
            days=days,
            since=_midnight(first, tz),
            until=_midnight(day_after, tz),
            period=f"{iso.year}-W{iso.week:02d}",
        )


@dataclass(frozen=True)
class WeeklySchedule:
    """A weekday (0 is Monday) and a local time."""

    weekday: int
    at: time

    @classmethod
    def parse(cls, text: str) -> WeeklySchedule:
        """ "mon 09:00" (any case) → WeeklySchedule; ValueError naming the expected shape."""
        found = _SHAPE.fullmatch(text.strip().lower())
        if found is None:
            raise ValueError(EXPECTED)
        day, hour, minute = found.groups()
        return cls(WEEKDAYS.index(day), time(int(hour), int(minute)))

    def last_at_or_before(self, now: datetime, tz: tzinfo) -> datetime:
        """The latest scheduled moment not after `now`, in the site's zone."""
        local = now.astimezone(tz)
        day = local.date() - timedelta(days=(local.weekday() - self.weekday) % 7)
        moment = datetime.combine(day, self.at, tzinfo=tz)
        if moment > local:
            moment = datetime.combine(day - timedelta(days=7), self.at, tzinfo=tz)
        return moment

    def week_of(self, moment: datetime) -> ReportWeek:
        """The week a report scheduled at `moment` (local) covers."""
        if moment.tzinfo is None:
            raise ValueError("a scheduled moment must carry the site's zone")
        return ReportWeek.ending(moment.date(), moment.tzinfo)

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.at:%H:%M}"


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
