"""How a digest try ended, in words: a line for the terminal and the editors' notices.

`DigestResult.line` is what `newsdesk digest` prints per channel; the notices go to the editors
(each in their language) when a digest may or may not have been posted, or was refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import catalogue
from bot.channel_settings import DIGEST_MIN
from bot.domain.insight import InsightSend, SendState
from bot.rendering import escape_html

KIND = "digest"  # `insight_sends.kind` of the daily digest


@dataclass(frozen=True)
class DigestResult:
    """How one channel's digest for one local day stands after a try."""

    channel: str
    day: date
    state: SendState | None  # None: nothing claimed (the channel is paused)
    stories: int = 0
    message_id: int | None = None
    detail: str | None = None
    before: bool = False  # the day was claimed before this try: nothing was done now

    @property
    def troubled(self) -> bool:
        """Whether this try ended badly (refused, or perhaps posted): the CLI exits 1."""
        return not self.before and (
            self.state is SendState.UNCERTAIN
            or (self.state is SendState.SKIPPED and self.stories >= DIGEST_MIN)
        )

    def line(self) -> str:
        """One line for the terminal: "news: posted the digest (5 stories), message 123"."""
        name, state = self.channel, self.state
        if self.before:
            return f"{name}: {_earlier(state, self.message_id, self.detail)}"
        if state is SendState.SENT:
            return f"{name}: posted the digest ({self.stories} stories), message {self.message_id}"
        if state is SendState.SKIPPED:
            return f"{name}: skipped: {self.detail}"
        if state is SendState.UNCERTAIN:
            return f"{name}: may or may not be posted ({self.detail}); not sent again"
        return f"{name}: not made: {self.detail}"


def _earlier(state: SendState | None, message_id: int | None, detail: str | None) -> str:
    if state is SendState.SENT:
        return f"already sent today (message {message_id})"
    if state is SendState.SKIPPED:
        return f"already skipped today: {detail}"
    if state is SendState.UNCERTAIN:
        return "already tried today; it may or may not be in the channel (uncertain)"
    return "being sent right now (by the bot or another newsdesk)"


def _day(day: date, language: str) -> str:
    return f"{day.day} {catalogue.month(language, day.month)} {day.year}"


def uncertain_notice(name: str, day: date, language: str, *, stopped: bool = False) -> str:
    """The editors' notice: the channel's digest may or may not be there; never re-sent."""
    why = catalogue.phrase("uncertain_stopped" if stopped else "uncertain_timeout", language)
    return catalogue.text(
        "digest_uncertain", language, channel=escape_html(name), why=why, day=_day(day, language)
    )


def failed_notice(name: str, day: date, detail: str, language: str) -> str:
    """The editors' notice: Telegram refused the channel's digest (no retry today)."""
    return catalogue.text(
        "digest_failed",
        language,
        channel=escape_html(name),
        day=_day(day, language),
        error=escape_html(detail),
    )


def interrupted_notice(send: InsightSend, language: str) -> str:
    """The editors' notice for a send a crash left half-done: a digest in its own words, any
    other kind (the weekly report) in general ones, since one call at start finds them all."""
    if send.kind == KIND:
        try:
            day = date.fromisoformat(send.period)
        except ValueError:
            day = None
        if day is not None:
            return uncertain_notice(send.target, day, language, stopped=True)
    return catalogue.text(
        "scheduled_uncertain",
        language,
        why=catalogue.phrase("uncertain_stopped", language),
        what=(
            catalogue.phrase("insight_kind_weekly", language)
            if send.kind == "weekly"
            else escape_html(send.kind)
        ),
        target=escape_html(send.target),
        period=escape_html(send.period),
    )
