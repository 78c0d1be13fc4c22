"""Telling the editors about a store outage: once when it starts, once when it ends.

The store's health (storage/health.py) reports only changes, so a ten-minute outage during
which every query fails is two messages, not one per failing query or job. The notices go out
in the order the changes happened (each waits for the one before), naming the store by its
URL without the password.
"""

from __future__ import annotations

import asyncio
import logging

from bot import catalogue
from bot.notify import AdminNotifier
from bot.rendering.text import escape_html
from storage.health import StoreHealth

logger = logging.getLogger(__name__)


class StoreOutageNotices:
    """Sends the editors "the store is unreachable" and "it answers again"."""

    def __init__(self, health: StoreHealth, notifier: AdminNotifier) -> None:
        self._where = health.where
        self._notifier = notifier
        self._last: asyncio.Task[None] | None = None
        health.listen(self._changed)

    def _changed(self, down: bool, reason: str) -> None:
        # Called from inside a failing or succeeding query: tell in the background.
        self._last = asyncio.get_running_loop().create_task(
            self._tell(self._last, down, reason), name="store-outage-notice"
        )

    async def _tell(self, previous: asyncio.Task[None] | None, down: bool, reason: str) -> None:
        if previous is not None:
            await asyncio.gather(previous, return_exceptions=True)
        where, why = escape_html(self._where), escape_html(reason)
        key: catalogue.EditorKey = "notice_store_down" if down else "notice_store_back"
        try:
            await self._notifier.send(
                lambda language: catalogue.text(key, language, where=where, reason=why)
            )
        except Exception:  # a notice that cannot go out must not surface in some query
            logger.exception("could not tell the editors about the store")

    async def close(self) -> None:
        """Let a notice on its way go out (the app is stopping)."""
        if self._last is not None:
            await asyncio.gather(self._last, return_exceptions=True)
