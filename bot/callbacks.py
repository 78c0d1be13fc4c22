"""Every button's callback data, in one place: how it is written and how it is read back.

Telegram hands callback data back verbatim from whoever presses, so it is untrusted input. Each
kind of button is a small frozen dataclass: `.data` writes it, `Kind.parse(data)` reads it with
`fullmatch` (one anchoring: no trailing newline, no prefix of a longer string) and gives `None`
for anything else. Numbers are ASCII digits without leading zeros, bounded: ids are SQLite
rowids (1..2**63-1), pages 0..999. A kind is its prefix and its parts, one per field; a value a
part would not read back cannot even be built, so no button is ever sent that its handler would
refuse. Free text never rides in a button (a category or a search travels as its 8-character
key), so every kind stays far below Telegram's 64 bytes.

Handlers register with `pattern=Kind.matches` (python-telegram-bot calls a callable pattern with
the data) and read the press with `Kind.parse`. Wire formats are those of the buttons already
out there: `fav:<id>` sits under channel posts forever, so it never changes.

This module imports nothing of ours, so any feature or handler may use it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, ClassVar, Self

MAX_BYTES = 64  # Telegram's limit on callback_data
MAX_ID = 2**63 - 1  # SQLite's largest integer: every id we hand out is a rowid
MAX_PAGE = 999  # three digits; bot.subscribers.pages stops there too


@dataclass(frozen=True)
class Part:
    """One field on the wire: the pattern of its text, and how a value is read and written."""

    pattern: str
    read: Callable[[str], Any]
    write: Callable[[Any], str] = str


def _bounded(low: int, high: int) -> Callable[[str], int]:
    def read(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise ValueError(f"{value} is outside {low}..{high}")
        return value

    return read


ID = Part(r"[1-9][0-9]{0,18}", _bounded(1, MAX_ID))
PAGE = Part(r"0|[1-9][0-9]{0,2}", _bounded(0, MAX_PAGE))
# bot.subscribers.news.short_key: 6 bytes of a hash, base64url.
KEY = Part(r"[A-Za-z0-9_-]{8}", str)
NO_KEY_OR_KEY = Part(r"(?:[A-Za-z0-9_-]{8})?", lambda text: text or None, lambda v: v or "")
CHANNEL_INDEX = Part(r"0|[1-9][0-9]?", _bounded(0, 99))  # a [[channels]] entry's position
LANGUAGE = Part(r"[a-z]{2}", str)  # a catalogue language: two letters, as bot.catalogue keys them


def flag(yes: str, no: str) -> Part:
    """A bool written as one of two words."""
    return Part(f"{yes}|{no}", lambda text: text == yes, lambda value: yes if value else no)


def _reads_back(part: Part, value: object) -> bool:
    written = part.write(value)
    try:
        return bool(re.fullmatch(part.pattern, written)) and part.read(written) == value
    except ValueError:  # a number past its bound
        return False


class Callback:
    """One kind of button: `PREFIX:part:part…`, one part per dataclass field, in order."""

    PREFIX: ClassVar[str]
    PARTS: ClassVar[tuple[Part, ...]]
    _PATTERN: ClassVar[re.Pattern[str]]
    __dataclass_fields__: ClassVar[dict[str, Any]]  # every kind is a dataclass

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        parts = "".join(f":({part.pattern})" for part in cls.PARTS)
        cls._PATTERN = re.compile(re.escape(cls.PREFIX) + parts)

    def __post_init__(self) -> None:
        """Refuse a value its part would not read back: such a button would be dead."""
        for field, part in zip(fields(self), self.PARTS, strict=True):
            value = getattr(self, field.name)
            if not _reads_back(part, value):
                raise ValueError(f"{type(self).__name__}.{field.name} cannot be {value!r}")

    @property
    def data(self) -> str:
        """The callback data to put on the button."""
        written = (
            part.write(getattr(self, field.name))
            for field, part in zip(fields(self), self.PARTS, strict=True)
        )
        return ":".join((self.PREFIX, *written))

    @classmethod
    def parse(cls, data: object) -> Self | None:
        """The button this data stands for, or None if it is not exactly one of this kind."""
        if not isinstance(data, str) or len(data) > MAX_BYTES:
            return None
        match = cls._PATTERN.fullmatch(data)
        if match is None:
            return None
        try:
            values = [
                part.read(text) for part, text in zip(cls.PARTS, match.groups(), strict=True)
            ]
            return cls(*values)
        except ValueError:  # digits that fit the pattern but not the bound
            return None

    @classmethod
    def matches(cls, data: object) -> bool:
        """For a handler's `pattern=`: whether the data is a button of this kind."""
        return cls.parse(data) is not None


# --- readers' buttons ----------------------------------------------------------------------


@dataclass(frozen=True)
class SaveFavorite(Callback):
    """⭐ under a channel post or an alert: save the article, or remove it if saved.

    `fav:<id>` must never change: channel posts keep their buttons forever.
    """

    PREFIX = "fav"
    PARTS = (ID,)
    article_id: int

    @classmethod
    def under_post(cls, article_id: int) -> str:
        """The ⭐ data under a rendered post; `fav:0` (read by no handler) on a draft's preview.

        A breaking preview shows the post as the channel will, before the article is stored
        and has an id (drafts render with id 0): its ⭐ is there to be seen, not pressed.
        """
        return "fav:0" if article_id == 0 else cls(article_id).data


@dataclass(frozen=True)
class FavoritesPage(Callback):
    """Prev/Next under /favorites: `fv:<page>`."""

    PREFIX = "fv"
    PARTS = (PAGE,)
    page: int


@dataclass(frozen=True)
class RemoveFavorite(Callback):
    """✖ under /favorites, then the page it was on is redrawn: `fr:<id>:<page>`."""

    PREFIX = "fr"
    PARTS = (ID, PAGE)
    article_id: int
    page: int


@dataclass(frozen=True)
class LatestPage(Callback):
    """Prev/Next under /latest: `lt:<page>:<category key>`, the key empty for all categories."""

    PREFIX = "lt"
    PARTS = (PAGE, NO_KEY_OR_KEY)
    page: int
    category_key: str | None = None


@dataclass(frozen=True)
class SearchResults(Callback):
    """Prev/Next under /search results, by the remembered search's key: `sr:<page>:<key>`."""

    PREFIX = "sr"
    PARTS = (PAGE, KEY)
    page: int
    key: str


@dataclass(frozen=True)
class ShowCategory(Callback):
    """A category under /categories, by its name's key: `ct:<key>`."""

    PREFIX = "ct"
    PARTS = (KEY,)
    key: str


@dataclass(frozen=True)
class ChooseLanguage(Callback):
    """A language under /language: `lang:<code>`."""

    PREFIX = "lang"
    PARTS = (LANGUAGE,)
    code: str


@dataclass(frozen=True)
class SetAlerts(Callback):
    """On/Off under /alerts: `al:on`, `al:off`."""

    PREFIX = "al"
    PARTS = (flag("on", "off"),)
    on: bool


# --- editors' buttons ----------------------------------------------------------------------


class BreakingAction(StrEnum):
    """What a button under a breaking preview does (the value is its wire form)."""

    PUBLISH = "pub"
    PUBLISH_AGAIN = "again"  # after the "published this already" warning
    CANCEL = "cancel"


@dataclass(frozen=True)
class BreakingDecision(Callback):
    """Publish / Post again / Cancel under a breaking preview: `brk:<action>:<preview id>`."""

    PREFIX = "brk"
    PARTS = (Part("|".join(BreakingAction), BreakingAction), ID)
    action: BreakingAction
    preview_id: int


@dataclass(frozen=True)
class BreakingChannel(Callback):
    """✅/⬜ a channel under a breaking preview: `brc:<preview id>:<channel index>`.

    The channel travels as its index in the configuration (a name is free text); the service
    refuses an index the configuration no longer has.
    """

    PREFIX = "brc"
    PARTS = (ID, CHANNEL_INDEX)
    preview_id: int
    index: int


@dataclass(frozen=True)
class RetractDecision(Callback):
    """Yes, retract / Keep it under the /retract question: `rtr:<yes|no>:<article id>`."""

    PREFIX = "rtr"
    PARTS = (flag("yes", "no"), ID)
    confirm: bool
    article_id: int


@dataclass(frozen=True)
class HeldDecision(Callback):
    """Run it now / Drop it under a command that waited while the bot was down."""

    PREFIX = "held"
    PARTS = (flag("run", "drop"), ID)
    run: bool
    held_id: int


@dataclass(frozen=True)
class UncertainDecision(Callback):
    """Post again / It is posted under "not sure this reached the channel"."""

    PREFIX = "unc"
    PARTS = (flag("again", "done"), ID)
    post_again: bool
    article_id: int


# The buttons `AdminCommands.press` routes (the uncertain decision has its own handler).
EditorButton = BreakingDecision | BreakingChannel | RetractDecision | HeldDecision
EDITOR_BUTTONS: tuple[type[EditorButton], ...] = (
    BreakingDecision,
    BreakingChannel,
    RetractDecision,
    HeldDecision,
)

KINDS: tuple[type[Callback], ...] = (
    SaveFavorite,
    FavoritesPage,
    RemoveFavorite,
    LatestPage,
    SearchResults,
    ShowCategory,
    ChooseLanguage,
    SetAlerts,
    BreakingDecision,
    BreakingChannel,
    RetractDecision,
    HeldDecision,
    UncertainDecision,
)
_BY_PREFIX = {kind.PREFIX: kind for kind in KINDS}


def parse(data: object) -> Callback | None:
    """Any button's data read back as its kind, or None for data that is none of ours."""
    if not isinstance(data, str):
        return None
    kind = _BY_PREFIX.get(data.partition(":")[0])
    return kind.parse(data) if kind is not None else None
