"""Articles set aside: rows the site wrote that cannot be read or rendered never block the rest.

The `articles` table is a public interface, so a row may hold a time no parser reads or a value
the renderer chokes on. Each pass first repairs flagged times (so SQL orders every accepted
format correctly); an article that still cannot be read, or cannot be loaded or rendered when
its turn comes, is skipped with its reason ("unreadable published_at: '…'") and the editors are
told once. The pass then goes on with the others. When the site fixes the row, the article is
due again by itself.
"""

from __future__ import annotations

import logging

from bot import catalogue
from bot.clock import Clock
from bot.notify import AdminNotifier
from bot.rendering.text import escape_html
from storage.article_problems import ArticleProblemRepository
from storage.database import Database
from storage.deliveries import DeliveryRepository

logger = logging.getLogger(__name__)


class Quarantine:
    """Repairs, sets aside and reports unreadable articles."""

    def __init__(self, db: Database, notifier: AdminNotifier, clock: Clock) -> None:
        self._db = db
        self._notifier = notifier
        self._clock = clock

    async def repair(self) -> None:
        """Normalise the times SQL could not read; set aside what no parser reads."""
        now = self._clock()
        async with self._db.write() as conn:
            outcome = await ArticleProblemRepository(conn).repair_times(now=now)
            deliveries = DeliveryRepository(conn)
            for article_id in outcome.repaired:
                await deliveries.release(article_id, now=now)
            for article_id, reason in outcome.unreadable:
                logger.warning("article %s set aside: %s", article_id, reason)
                await deliveries.quarantine(article_id, reason, now=now)
        await self.report()

    async def hold(self, article_id: int, reason: str) -> None:
        """Set one article aside with `reason` (it could not be loaded or rendered)."""
        logger.warning("article %s set aside: %s", article_id, reason)
        async with self._db.write() as conn:
            await ArticleProblemRepository(conn).record(article_id, reason)
            await DeliveryRepository(conn).quarantine(article_id, reason, now=self._clock())
        await self.report()

    async def report(self) -> None:
        """Tell the editors about articles set aside since they were last told (once each)."""
        unreported = await ArticleProblemRepository(self._db.store).unreported()
        if not unreported:
            return

        def compose(language: str) -> str:
            lines = [catalogue.plural("set_aside", language, len(unreported))]
            lines += [
                catalogue.text("set_aside_line", language, id=n, reason=escape_html(reason))
                for n, reason in unreported
            ]
            return "\n".join(lines)

        if await self._notifier.send(compose):
            async with self._db.write() as conn:
                await ArticleProblemRepository(conn).mark_reported(
                    [n for n, _ in unreported], now=self._clock()
                )
