"""AlertService: each breaking item by private message to every subscriber who opted in.

The queue lives in the store (`storage/alerts.py`). One background task works through it a
window at a time: claim a window of recipients (committed), send them concurrently through the
shared pacer, then write the results together with the next claim. The window is as small as
the rate allows — one recipient at the default 30/s, like the publisher's claim — so a crash
leaves at most one window of `sending` rows; at the next start they become `uncertain` and are
never sent again: nobody gets the same alert twice. Failures are per recipient and never stop
the others; a 429 holds every send for its `retry_after`, then the same recipient is retried.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import Bot

from bot.admin.alert_sender import AlertMessage, RatePacer, RetryLater, send_alert
from bot.config import AlertSettings
from bot.notify import AdminNotifier
from storage.alerts import Alert, AlertRepository, Outcome, Recipient
from storage.articles import ArticleRepository
from storage.database import Database

logger = logging.getLogger(__name__)

MAX_WINDOW = 64
MAX_CONCURRENCY = 8  # half the app's connection pool: commands keep connections to answer with


@dataclass(frozen=True)
class AlertProgress:
    """Where one alert stands, for /status."""

    alert_id: int
    title: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        """Recipients of this alert."""
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        """Recipients already handled, whatever the outcome."""
        return self.total - self.counts["pending"] - self.counts["sending"]


class AlertService:
    """The alert queue and the task that sends it."""

    def __init__(
        self,
        db: Database,
        bot: Bot,
        notifier: AdminNotifier,
        settings: AlertSettings,
        clock: Callable[[], datetime],
    ) -> None:
        self._db = db
        self._bot = bot
        self._notifier = notifier
        self._settings = settings
        self._clock = clock
        self._pacer = RatePacer(settings.max_per_second)
        self._window = max(1, min(MAX_WINDOW, settings.max_per_second // 30))
        self._slots = asyncio.Semaphore(min(self._window, MAX_CONCURRENCY))
        self._stopping = asyncio.Event()
        self._wake = False
        self._task: asyncio.Task[None] | None = None

    @property
    def enabled(self) -> bool:
        """Whether breaking items are sent as alerts at all."""
        return self._settings.enabled

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Mark what a dead process left half-sent as uncertain, then resume the queue."""
        async with self._db.transaction() as conn:
            interrupted = await AlertRepository(conn).interrupted_to_uncertain(now=self._clock())
        if interrupted:
            logger.warning("%d alert messages may not have gone out before a stop", interrupted)
        self.kick()

    def kick(self) -> None:
        """Make sure the sending task runs (it ends by itself when the queue is empty)."""
        if self._stopping.is_set():
            return
        if self._task is not None and not self._task.done():
            self._wake = True
            return
        self._task = asyncio.create_task(self._run(), name="alerts")
        self._task.add_done_callback(_log_crash)

    async def stop(self) -> None:
        """Finish the window in flight, record it, and stop; the rest waits for the next start."""
        self._stopping.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    # --- the queue -------------------------------------------------------------------------

    async def enqueue(self, article_id: int, post_url: str | None) -> int:
        """Queue an alert for every opted-in subscriber; return how many will get it."""
        if not self.enabled:
            return 0
        async with self._db.transaction() as conn:
            repo = AlertRepository(conn)
            alert_id = await repo.create(article_id, post_url=post_url, now=self._clock())
            recipients = (await repo.counts(alert_id))["pending"]
            if not recipients:  # nobody opted in: nothing to send, nothing to report
                await repo.finish(alert_id, now=self._clock())
        if recipients:
            self.kick()
        return recipients

    async def cancel_for_article(self, article_id: int) -> None:
        """A retracted story: whoever has not been alerted yet will not be."""
        async with self._db.transaction() as conn:
            await AlertRepository(conn).cancel_pending(article_id, now=self._clock())

    async def progress(self) -> list[AlertProgress]:
        """The alerts still going out."""
        repo = AlertRepository(self._db.conn)
        found = []
        for alert in await repo.unfinished():
            article = await ArticleRepository(self._db.conn).get(alert.article_id)
            title = article.title if article else f"article {alert.article_id}"
            found.append(AlertProgress(alert.id, title, await repo.counts(alert.id)))
        return found

    async def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake = False
            alerts = await AlertRepository(self._db.conn).unfinished()
            if not alerts and not self._wake:
                return
            for alert in alerts:
                if not await self._broadcast(alert):
                    return

    async def _broadcast(self, alert: Alert) -> bool:
        """Send one alert to everyone still pending; False when stopping cut it short."""
        article = await ArticleRepository(self._db.conn).get(alert.article_id)
        results: list[Outcome] = []
        while True:
            async with self._db.transaction() as conn:
                repo = AlertRepository(conn)
                await repo.record(alert.id, results, now=self._clock())
                if self._stopping.is_set():
                    return False
                batch = await repo.claim(alert.id, self._window, now=self._clock())
                if not batch or article is None:  # done, or the article was deleted meanwhile
                    await repo.finish(alert.id, now=self._clock())
                    break
            message = AlertMessage(article, alert.post_url)
            results = list(await asyncio.gather(*(self._one(r, message) for r in batch)))
        await self._summarise(alert, article.title if article else f"article {alert.article_id}")
        return True

    async def _one(self, recipient: Recipient, message: AlertMessage) -> Outcome:
        async with self._slots:
            while True:
                if self._stopping.is_set() and self._pacer.held_for > 0:
                    return Outcome(recipient.user_id, "pending")  # not sent: resume later
                await self._pacer.acquire()
                try:
                    return await send_alert(self._bot, recipient, message)
                except RetryLater as wait:
                    logger.warning("429 while sending alerts: holding them %.0f s", wait.seconds)
                    self._pacer.hold(wait.seconds + 0.1)
                except Exception as exc:  # one recipient's problem never stops the others
                    logger.exception("alert to %s failed unexpectedly", recipient.user_id)
                    return Outcome(recipient.user_id, "failed", repr(exc)[:200])

    async def _summarise(self, alert: Alert, title: str) -> None:
        counts = await AlertRepository(self._db.conn).counts(alert.id)
        took = (self._clock() - alert.created_at).total_seconds()
        uncertain = f" · uncertain {counts['uncertain']}" if counts["uncertain"] else ""
        await self._notifier.send(
            f"🔔 <b>Alert finished</b>: “{html.escape(title, quote=False)}”\n"
            f"sent {counts['sent']} · failed {counts['failed']} · "
            f"blocked {counts['blocked']}{uncertain} · in {took:.0f} s"
        )


def _log_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("the alert task crashed", exc_info=task.exception())
