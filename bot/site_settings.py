"""`[site]` and `[insight]`: the news site the bot speaks for, and what its editors are told.

Both are read in the site's own time zone: the weekly report's "mon 09:00" is the site's Monday.
"""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from bot.insight.schedule import WeeklySchedule
from bot.settings_section import Section


class SiteSettings(Section):
    """The news site the bot speaks for."""

    name: str = "Example News"
    timezone: str = "UTC"
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")] = "en"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}: "
                "expected an IANA name such as 'UTC' or 'Asia/Beirut'"
            ) from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The site's time zone object."""
        return ZoneInfo(self.timezone)


class InsightSettings(Section):
    """What the editors are told about their readers, and when."""

    # The weekly report by private message to every admin: a weekday and a time in
    # site.timezone ("mon 09:00", any case); "" sends none.
    weekly_report: str = "mon 09:00"

    @field_validator("weekly_report")
    @classmethod
    def _weekly_shape(cls, value: str) -> str:
        if value.strip():
            WeeklySchedule.parse(value)  # ValueError naming the expected shape
        return value

    @property
    def weekly(self) -> WeeklySchedule | None:
        """When the weekly report goes out; None when there is none."""
        return WeeklySchedule.parse(self.weekly_report) if self.weekly_report.strip() else None
