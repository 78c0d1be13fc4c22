"""The weekly report: once a week, to every editor in private, a chart and the week's numbers.

Due when the site's local time has passed `[insight] weekly_report` ("mon 09:00") and the week's
report has not been claimed for that editor. A bot that was down then sends it late, up to
`LATE_LIMIT` after the scheduled time; later than that the week is let go (a report on
Tuesday afternoon would be read as this week's).

Exactly once per editor and week, across restarts and leader changes: the claim in
`insight_sends` (kind "weekly", the editor's id, the ISO week) is committed before the first
Bot API call, and the send is finished as sent, skipped (the editor blocked the bot or never
opened it: not retried) or uncertain (Telegram did not answer; `bot.insight.interrupted` turns
a claim a crash left behind into uncertain). Nothing is ever sent twice.

The picture is drawn in a worker thread (CPU work, ~70 ms) once per language, and sent as a
photo. When the whole report fits a caption (1024) it is the caption: one message, picture
and numbers together; otherwise the caption holds the headline numbers and the full text
follows at once. A chart that fails to draw, or a photo Telegram refuses, costs only the
picture: the text goes alone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from telegram import Bot, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from bot import catalogue
from bot.clock import Clock
from bot.config import Settings
from bot.control.editors import post_link
from bot.domain.insight import PostStats, SendState
from bot.insight.chart import DayCount, daily_chart
from bot.insight.schedule import ReportWeek
from bot.insight.weekly_figures import WeeklyFigures, gather_week
from bot.insight.weekly_text import (
    CAPTION_LIMIT,
    caption_text,
    chart_day_label,
    chart_title,
    report_text,
)
from bot.rendering.fitting import visible_len
from storage.database import Database
from storage.insight_sends import InsightSendRepository

logger = logging.getLogger(__name__)

KIND = "weekly"
# How late a report may still go out after its scheduled time (the bot was down then).
LATE_LIMIT = timedelta(hours=24)
# How often the newsroom job looks for a due report.
CHECK_SECONDS = 60.0

Languages = Callable[[int], Awaitable[str]]


@dataclass(frozen=True)
class Outcome:
    """How one editor's report ended, as `insight_sends` records it."""

    state: SendState
    message_id: int | None = None
    detail: str | None = None


class WeeklyReports:
    """Sends the week's report to each editor once (the lease holder's job calls `send_due`)."""

    def __init__(
        self, settings: Settings, db: Database, bot: Bot, clock: Clock, languages: Languages
    ) -> None:
        self._settings = settings
        self._db = db
        self._bot = bot
        self._clock = clock
        self._languages = languages
        self._chats = {channel.name: channel.chat for channel in settings.channels}

    def due_week(self) -> ReportWeek | None:
        """The week whose report is due now, or None (no report configured, or too late)."""
        schedule = self._settings.insight.weekly
        if schedule is None:
            return None
        now = self._clock()
        moment = schedule.last_at_or_before(now, self._settings.site.tz)
        if now - moment > LATE_LIMIT:
            return None
        return schedule.week_of(moment)

    async def send_due(self) -> dict[int, Outcome]:
        """Send the due week's report to every editor who has not had it; what each got."""
        week = self.due_week()
        if week is None:
            return {}
        sends = InsightSendRepository(self._db.store)
        waiting = [
            admin
            for admin in self._settings.telegram.admins
            if await sends.get(KIND, str(admin), week.period) is None
        ]
        if not waiting:
            return {}
        figures = await gather_week(self._db.store, week, self._settings.site.tz, self._link)
        charts: dict[str, bytes | None] = {}
        outcomes: dict[int, Outcome] = {}
        for admin in waiting:
            async with self._db.write() as conn:  # committed before Telegram hears of it
                claimed = await InsightSendRepository(conn).claim(
                    KIND, str(admin), week.period, now=self._clock(), claimed_by=self._db.worker_id
                )
            if not claimed:
                continue  # another process (a restart racing the old leader) took it
            language = await self._language(admin)
            if language not in charts:
                charts[language] = await self._chart(figures, language)
            outcome = await self._deliver(admin, figures, language, charts[language])
            async with self._db.write() as conn:
                await InsightSendRepository(conn).finish(
                    KIND,
                    str(admin),
                    week.period,
                    outcome.state,
                    now=self._clock(),
                    message_id=outcome.message_id,
                    detail=outcome.detail,
                )
            outcomes[admin] = outcome
            logger.info(
                "weekly report %s to editor %s: %s%s",
                week.period,
                admin,
                outcome.state.value,
                f" ({outcome.detail})" if outcome.detail else "",
            )
        return outcomes

    def _link(self, post: PostStats) -> str | None:
        """The post's public link; None without a message id or a chat to name."""
        chat = self._chats.get(post.channel, "")  # "" for a channel no longer configured
        chat_id = post.chat_id or ("" if chat.startswith("@") else chat)
        if post.message_id is None or not (chat.startswith("@") or chat_id):
            return None
        return post_link(chat, chat_id, post.message_id)

    async def _language(self, admin: int) -> str:
        try:
            return await self._languages(admin)
        except Exception:  # a store hiccup must not cost the editor their report
            logger.exception("could not read the language of editor %s", admin)
            return catalogue.DEFAULT_LANGUAGE

    async def _chart(self, figures: WeeklyFigures, language: str) -> bytes | None:
        """The PNG, drawn in a worker thread; None (and logged) if it cannot be drawn."""
        days = [
            DayCount(day, posts, saves)
            for day, posts, saves in zip(
                figures.week.days, figures.posts_per_day, figures.saves_per_day, strict=True
            )
        ]
        try:
            return await asyncio.to_thread(
                daily_chart,
                days,
                day_labels=[chart_day_label(day, language) for day in figures.week.days],
                title=chart_title(figures, language),
                posts_label=catalogue.phrase("chart_weekly_posts", language),
                saves_label=catalogue.phrase("chart_weekly_saves", language),
                rtl=catalogue.is_rtl(language),
            )
        except Exception:  # the numbers must not be lost because of a picture
            logger.exception("the weekly chart (%s) could not be drawn", language)
            return None

    async def _deliver(
        self, admin: int, figures: WeeklyFigures, language: str, png: bytes | None
    ) -> Outcome:
        """The photo (with the report as caption if it fits), then the text if it did not."""
        text = report_text(figures, language)
        whole = visible_len(text) <= CAPTION_LIMIT
        sent: Message | None = None
        try:
            if png is not None:
                caption = text if whole else caption_text(figures, language)
                sent = await self._photo(admin, png, caption)
            if sent is not None and whole:
                return Outcome(SendState.SENT, sent.message_id)
            message = await self._bot.send_message(admin, text, parse_mode=ParseMode.HTML)
        except TelegramError as exc:
            return _failed(exc, picture_sent=sent is not None)
        detail = None if sent is not None else "sent without the picture"
        return Outcome(SendState.SENT, message.message_id, detail)

    async def _photo(self, admin: int, png: bytes, caption: str) -> Message | None:
        """The picture; None if Telegram refused this photo (the text then goes alone)."""
        try:
            return await self._bot.send_photo(
                admin, png, caption=caption, parse_mode=ParseMode.HTML
            )
        except BadRequest as exc:
            logger.warning("the weekly chart was refused for editor %s: %s", admin, exc.message)
            return None


def _failed(exc: TelegramError, *, picture_sent: bool) -> Outcome:
    """How a refused or unanswered send is recorded; none is tried again."""
    before = "picture sent, then the text: " if picture_sent else ""
    if isinstance(exc, Forbidden):  # blocked the bot, or never opened it: asking again won't help
        return Outcome(SendState.SKIPPED, detail=f"{before}editor unreachable: {exc.message}")
    if isinstance(exc, BadRequest):
        return Outcome(SendState.SKIPPED, detail=f"{before}refused: {exc.message}")
    if isinstance(exc, NetworkError):  # timed out or cut off: it may have arrived
        return Outcome(SendState.UNCERTAIN, detail=f"{before}no answer: {exc.message}")
    return Outcome(SendState.SKIPPED, detail=f"{before}not sent: {exc.message}")  # a 429 …
