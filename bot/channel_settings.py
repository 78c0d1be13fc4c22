"""One edition's settings (`[[channels]]`): where it posts, what it takes, how its posts look.

A desk may feed several channels: language editions, section channels, a forum group with a topic
per section. Each channel is validated as strictly as the rest of the config, and every default
that depends on another section (the site's language, the publishing pace) is filled in by
`Settings` before validation, so code reads one resolved `settings.channels` list and never asks
whether the operator used the one-channel shorthand `telegram.channel`.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

_CHAT_USERNAME_RE = re.compile(r"^@[A-Za-z][A-Za-z0-9_]{3,31}$")
_CHAT_ID_RE = re.compile(r"^-?[0-9]{1,20}$")
_QUIET_RE = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])$")
_DIGEST_AT_RE = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
# The daily digest lists this many stories at most; it is skipped under DIGEST_MIN, so a
# smaller size could never be filled, and more than ten is a list nobody reads in a channel.
DIGEST_MIN, DIGEST_MAX, DIGEST_SIZE = 3, 10, 5
_LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"
# A footer is one short line: it must leave a caption (1,024) room for the title and lead.
FOOTER_MAX = 200
CHAT_EXPECTED = "expected @username or a numeric chat id such as -1001234567890"


def chat_shape(value: object) -> str:
    """A channel as the config may give it: @username or a (negative) numeric id."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and (
        _CHAT_USERNAME_RE.fullmatch(value) or _CHAT_ID_RE.fullmatch(value)
    ):
        return value
    raise ValueError(CHAT_EXPECTED)


def digest_at_shape(value: str | None) -> str | None:
    """`digest_at` as the config may give it: "HH:MM" (site zone), or "off" for none."""
    if value is None or value == "off":
        return None
    if not _DIGEST_AT_RE.fullmatch(value):
        raise ValueError('expected HH:MM in 24-hour time, such as "20:00" (or "off")')
    return value


def digest_size_shape(value: int) -> int:
    """`digest_size`: how many stories the digest lists, DIGEST_MIN..DIGEST_MAX."""
    if not DIGEST_MIN <= value <= DIGEST_MAX:
        raise ValueError(
            f"expected a whole number from {DIGEST_MIN} to {DIGEST_MAX} (a digest needs at "
            f"least {DIGEST_MIN} stories)"
        )
    return value


# `digest_at` and `digest_size`, as a channel and `[publishing]` (the channels' default) take them.
DigestAt = Annotated[str | None, AfterValidator(digest_at_shape)]
DigestSize = Annotated[int, AfterValidator(digest_size_shape)]


def chat_ref(chat: str) -> int | str:
    """The channel as python-telegram-bot wants it: an int id or the @username."""
    return int(chat) if chat.lstrip("-").isdigit() else chat


@dataclass(frozen=True)
class QuietHours:
    """A daily window in the site's zone; it may wrap midnight (23:00-06:30)."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """ "HH:MM-HH:MM" → QuietHours; ValueError naming the expected shape."""
        match = _QUIET_RE.fullmatch(text)
        if match is None:
            raise ValueError('expected "HH:MM-HH:MM" in 24-hour time, such as "23:00-06:30"')
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        if (h1, m1) == (h2, m2):
            raise ValueError("the start and the end are the same: expected a window")
        return cls(time(h1, m1), time(h2, m2))

    def contains(self, local: datetime) -> bool:
        """Whether a local time falls inside the window (start included, end excluded)."""
        now = local.time().replace(second=0, microsecond=0, tzinfo=None)
        if self.start < self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end


class ChannelSettings(BaseModel):
    """One channel the desk posts to (an edition, a section channel or a forum group)."""

    # Strict like every section: TOML has real numbers and booleans; `silent = 1` is a mistake.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    chat: str
    # The channel's key in the store and in editors' commands; defaults to `chat` without "@".
    name: Annotated[str, Field(pattern=r"^-?[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")]
    language: Annotated[str, Field(pattern=_LANGUAGE)]
    # Article languages it takes; empty takes every language.
    languages: Annotated[
        tuple[Annotated[str, Field(pattern=_LANGUAGE)], ...], Field(strict=False)
    ] = ()
    categories: Annotated[tuple[str, ...], Field(strict=False)] = ()
    exclude_categories: Annotated[tuple[str, ...], Field(strict=False)] = ()
    sources: Annotated[tuple[str, ...], Field(strict=False)] = ()
    max_posts_per_minute: Annotated[int, Field(ge=1, le=6_000)]
    silent: bool
    quiet_hours: str | None = None
    quiet_mode: Literal["hold", "silent"] = "hold"
    show_byline: bool = True
    show_photo: bool = True
    hashtags: Literal["category", "none"] = "category"
    footer: Annotated[str, Field(max_length=FOOTER_MAX)] | None = None
    topics: Annotated[dict[str, Annotated[int, Field(ge=1)]], Field(strict=False)] = Field(
        default_factory=dict
    )
    default_topic: Annotated[int, Field(ge=1)] | None = None
    # The daily digest ("Today's top stories") at this local time (site zone); None: no digest.
    digest_at: DigestAt = None
    digest_size: DigestSize = DIGEST_SIZE

    @field_validator("chat", mode="before")
    @classmethod
    def _chat_shape(cls, value: object) -> str:
        return chat_shape(value)

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_shape(cls, value: str | None) -> str | None:
        if value is not None:
            QuietHours.parse(value)
        return value

    @field_validator("footer")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        if value is not None and ("\n" in value or not value.strip()):
            raise ValueError("expected one non-empty line of text")
        return value

    @model_validator(mode="after")
    def _rules_agree(self) -> ChannelSettings:
        taken = {c.casefold() for c in self.categories}
        both = sorted(c for c in self.exclude_categories if c.casefold() in taken)
        if both:
            raise ValueError(
                f"categories and exclude_categories both name {', '.join(both)}: keep one"
            )
        return self

    @property
    def chat_id(self) -> int | str:
        """The channel as python-telegram-bot wants it."""
        return chat_ref(self.chat)

    @property
    def quiet(self) -> QuietHours | None:
        """The parsed quiet-hours window, if one is set."""
        return QuietHours.parse(self.quiet_hours) if self.quiet_hours else None

    @property
    def digest_time(self) -> time | None:
        """When the daily digest is due (a wall-clock time in the site's zone), if it is on."""
        if self.digest_at is None:
            return None
        hours, minutes = self.digest_at.split(":")
        return time(int(hours), int(minutes))

    def topic_for(self, category: str | None) -> int | None:
        """The forum topic (message_thread_id) for a category, else `default_topic`."""
        if category:
            wanted = category.casefold()
            for name, thread in self.topics.items():
                if name.casefold() == wanted:
                    return thread
        return self.default_topic


def with_defaults(
    raw: Any,
    *,
    language: str,
    per_minute: int,
    silent: bool,
    all_languages: bool = False,
    digest_at: str | None = None,
    digest_size: int = DIGEST_SIZE,
) -> Any:
    """A `[[channels]]` table with the keys that default to other sections filled in.

    Only keys the operator left out are filled; anything that is not a table is returned as it
    is, for validation to report.
    """
    if not isinstance(raw, dict):
        return raw
    table = dict(raw)
    if "name" not in table:
        # A bad chat has its own error; a second one about the name would not help.
        with contextlib.suppress(ValueError):
            table["name"] = chat_shape(table.get("chat")).removeprefix("@")
    table.setdefault("language", language)
    if "languages" not in table:
        own = table["language"]
        table["languages"] = [] if all_languages else [own]
    table.setdefault("max_posts_per_minute", per_minute)
    table.setdefault("silent", silent)
    if digest_at is not None:  # `digest_at = "off"` in a channel keeps it without one
        table.setdefault("digest_at", digest_at)
    table.setdefault("digest_size", digest_size)
    return table
