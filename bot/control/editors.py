"""What the admin services answer with, and the small shared pieces of the editors' texts.

Services return a `Reply` (HTML text, optional buttons, optional photo) so that a handler only
sends it, and the same command can be run from a message or from a "run it now" button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import catalogue
from bot.callbacks import Callback
from bot.domain.errors import NotAnEditorError
from bot.rendering.text import escape_html
from bot.telegram_settings import NEVER_ADMINS


@dataclass(frozen=True)
class Actor:
    """Who asked: a Telegram user id, a name for the audit log, the language to answer in."""

    id: int
    name: str
    language: str = catalogue.DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Reply:
    """An answer to an editor: HTML text, buttons, and a photo to show it with."""

    text: str
    markup: InlineKeyboardMarkup | None = None
    photo: str | None = None
    # A text post with a link shows that link's preview in the channel; so does its preview.
    link_preview: str | None = None
    # Buttons of the message the press came from should go (the question was answered).
    close_question: bool = field(default=False)
    # A last line that must survive fitting the text to Telegram's limit (a preview's alert
    # reach): the text above it is cut instead.
    footer: str | None = None
    # The message the press came from keeps its text and gets `markup` as its buttons, and
    # `text` is only the press's short notice (a toggle under a preview: no new message).
    edit_buttons: bool = False


class Editors:
    """Who may change the channel: `telegram.admins`, never Telegram's anonymous ids."""

    def __init__(self, admins: tuple[int, ...]) -> None:
        self._admins = frozenset(admins) - NEVER_ADMINS

    def is_editor(self, user_id: int) -> bool:
        """True for a configured admin."""
        return user_id in self._admins

    def check(self, actor: Actor) -> None:
        """Raise `NotAnEditorError` unless the actor is an admin (the service-side check)."""
        if not self.is_editor(actor.id):
            raise NotAnEditorError(catalogue.text("editors_only", actor.language))


def buttons(*row: tuple[str, Callback]) -> InlineKeyboardMarkup:
    """One row of callback buttons from (label, button) pairs."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=b.data) for t, b in row]])


def post_link(channel: str, chat_id: str, message_id: int) -> str:
    """The public link to a channel post: t.me/<username>/<id>, or t.me/c/<id>/<id>."""
    if channel.startswith("@"):
        return f"https://t.me/{channel[1:]}/{message_id}"
    internal = chat_id.removeprefix("-100").lstrip("-")
    return f"https://t.me/c/{internal}/{message_id}"


def esc(value: object) -> str:
    """Escape anything for an HTML reply (through the one rendering escaper)."""
    return escape_html(str(value))


def when(value: datetime | None, tz: tzinfo, language: str = catalogue.DEFAULT_LANGUAGE) -> str:
    """A time as editors read it: 14:05 (27 Nov) in the site's zone."""
    if value is None:
        return catalogue.phrase("time_never", language)
    local = value.astimezone(tz)
    return catalogue.phrase(
        "time_at",
        language,
        time=f"{local:%H:%M}",
        day=local.day,
        month=catalogue.month(language, local.month),
    )


def ago(seconds: float, language: str = catalogue.DEFAULT_LANGUAGE) -> str:
    """A duration as "3 min", "2 h 5 min", "45 s" (in Arabic, with its plural forms)."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return catalogue.plural("duration_seconds", language, seconds, mark=False)
    minutes = seconds // 60
    if minutes < 60:
        return catalogue.plural("duration_minutes", language, minutes, mark=False)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return catalogue.phrase(
            "duration_hours_minutes",
            language,
            hours=catalogue.plural("duration_hours", language, hours, mark=False),
            minutes=catalogue.plural("duration_minutes", language, minutes, mark=False),
        )
    return catalogue.plural("duration_days", language, hours // 24, mark=False)


def estimate(seconds: float, language: str = catalogue.DEFAULT_LANGUAGE) -> str:
    """A time still to come, rounded as people say it: "40 s", "7 min", "9 h 16 min".

    Seconds under a minute (at least 1), whole minutes under an hour, then hours and minutes
    (just hours on the hour), days past two of them; an estimate claims no more precision.
    """
    if seconds < 59.5:
        return catalogue.plural("duration_seconds", language, max(1, round(seconds)), mark=False)
    minutes = round(seconds / 60)
    if minutes < 60:
        return catalogue.plural("duration_minutes", language, minutes, mark=False)
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        return ago(seconds, language)
    if minutes == 0:
        return catalogue.plural("duration_hours", language, hours, mark=False)
    return ago(hours * 3600 + minutes * 60, language)


_ARTICLE_NUMBER = re.compile(r"[0-9]{1,18}")


def article_number(text: str) -> int | None:
    """An article id typed by an editor: ASCII digits that fit SQLite's integer, else None.

    `str.isdigit` accepts "²" and other digits `int()` refuses, and SQLite refuses integers
    over 2**63, so both would crash a command instead of answering it.
    """
    return int(text) if _ARTICLE_NUMBER.fullmatch(text) else None
