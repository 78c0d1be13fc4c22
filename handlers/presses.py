"""⭐ presses straight from the raw update: the storm path.

A breaking story in a big channel brings hundreds of presses a second. Each needs four fields of
the update (the query's id, the presser's id and language, the button's data), one batched write
and a toast. Going through python-telegram-bot's objects and handler machinery cost ~5 ms of CPU
per press, which is where one process stopped keeping up; this path does the same work from the
JSON and answers through the deadline-aware `AnswerLane`.

Everything a press did before still happens, in the same order: the flood guard, the sighting,
the toggle (the toast is sent only after the batch that holds the save commits), the toast in
the presser's language. Any update this module does not recognise goes on to
python-telegram-bot's handlers unchanged (`read_press` gives `None`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot import catalogue
from bot.callbacks import SaveFavorite
from bot.services import Services
from bot.subscribers import FavoriteOutcome, FloodVerdict, from_services
from bot.transport.answers import AnswerLane

logger = logging.getLogger(__name__)

_TOASTS: dict[FavoriteOutcome, catalogue.Key] = {
    FavoriteOutcome.SAVED: "toast_saved",
    FavoriteOutcome.REMOVED: "toast_removed",
    FavoriteOutcome.UNAVAILABLE: "toast_unavailable",
}


@dataclass(frozen=True, slots=True)
class Press:
    """One ⭐ press, as much of it as the answer needs."""

    query_id: str
    user_id: int
    language_code: str | None
    article_id: int


def read_press(update: dict[str, Any]) -> Press | None:
    """The ⭐ press in a raw update, or `None` for anything else (python-telegram-bot's)."""
    query = update.get("callback_query")
    if not isinstance(query, dict):
        return None
    data, query_id, user = query.get("data"), query.get("id"), query.get("from")
    if not isinstance(data, str) or not isinstance(query_id, str) or not isinstance(user, dict):
        return None
    pressed = SaveFavorite.parse(data)
    user_id = user.get("id")
    if pressed is None or not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    language = user.get("language_code")
    return Press(
        query_id, user_id, language if isinstance(language, str) else None, pressed.article_id
    )


class PressDesk:
    """Answers ⭐ presses; one per running bot, built by the wiring."""

    def __init__(
        self, services: Callable[[], Services], lane: AnswerLane, bot_username: str
    ) -> None:
        self._services = services
        self._lane = lane
        self._bot = bot_username
        self._tasks: set[asyncio.Task[None]] = set()

    def take(self, presses: list[Press], received_at: float) -> None:
        """Start handling a batch's presses; returns at once."""
        for press in presses:
            task = asyncio.create_task(self._handle(press, received_at))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for the presses in hand (their saves reach the writer before it closes)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _handle(self, press: Press, received_at: float) -> None:
        subscribers = from_services(self._services())
        subscribers.users.seen(press.user_id, press.language_code, private=False)
        language = subscribers.users.language_for(press.user_id, press.language_code)
        if subscribers.flood.check(press.user_id) is not FloodVerdict.ALLOW:
            # Always answer, or the button keeps spinning.
            toast = catalogue.text("toast_slow_down", language)
            self._lane.answer(press.query_id, toast, received_at=received_at)
            return
        try:
            outcome = await subscribers.favorites.toggle(press.user_id, press.article_id)
        except Exception as error:  # as the global error handler would: log, tell the editors
            self._lane.answer(press.query_id, received_at=received_at)  # stop the spinner
            logger.error("⭐ on article %d was not saved", press.article_id, exc_info=error)
            with contextlib.suppress(Exception):
                await self._services().admin.errors.report(None, error)
            return
        toast = catalogue.text(_TOASTS[outcome], language, bot=self._bot)
        self._lane.answer(press.query_id, toast, received_at=received_at)
