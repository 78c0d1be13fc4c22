"""AlertService: each breaking item by private message to every subscriber who opted in.

The queue lives in the store (`storage/alerts.py`). One background task works through it as a
stream: it claims a window of recipients (committed as `sending` before any of them is sent to),
hands them one by one to send tasks — at most `concurrency_for(rate)` at once, each waiting for
its slot from the shared pacer — and, when the window is used up, records the outcomes so far in
the same transaction as the next claim. The sends never wait for a window to finish, so a claim
costs the pace nothing. A window is a tenth of a second's sends (1 recipient at 10/s, 3 at the
default 30/s, 100 at 1000/s): a crash leaves at most a window plus the sends in flight as
`sending`; at the next start they become `uncertain` and are never sent again, so nobody gets
the same alert twice. A stop records the claimed recipients not yet sent to as `pending` again.
Failures are per recipient and never stop the others; a 429 holds every send for its
`retry_after`, then the same recipient is retried; a passing failure (no connection, a 5xx) is
tried again up to three times.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime

from telegram import Bot

from bot import catalogue
from bot.alerts.message import AlertMessage
from bot.alerts.progress import AlertProgress, AlertReach
from bot.alerts.sender import AlertSender, RatePacer, concurrency_for, open_sender, pace_of
from bot.domain import Alert, Outcome, Recipient
from bot.domain.errors import AlertRetryLaterError, AlertTryAgainError, LeaseLostError
from bot.notify import AdminNotifier
from bot.publishing_settings import AlertSettings
from bot.rendering.text import escape_html
from storage.alerts import AlertRepository
from storage.articles import ArticleRepository
from storage.database import Database, newsroom_writes

logger = logging.getLogger(__name__)

MAX_WINDOW = 200
WINDOW_SECONDS = 0.1  # a claim holds this much of the rate's sends
TRANSIENT_TRIES = 3


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
        self._pace = pace_of(settings.max_per_second)
        # The alert being sent: its id, when this process began sending it, how many of its
        # recipients were handled then (the measured rate is what was done since).
        self._live: tuple[int, float, int] | None = None
        self._window = max(1, min(MAX_WINDOW, math.ceil(settings.max_per_second * WINDOW_SECONDS)))
        tasks, self._connections = concurrency_for(settings.max_per_second)
        self._slots = asyncio.Semaphore(tasks)
        self._sender: AlertSender | None = None
        self._stopping = asyncio.Event()
        self._wake = False
        self._task: asyncio.Task[None] | None = None
        # Whether this process runs the newsroom (bot.leadership sets it for `run`).
        self.may_run: Callable[[], bool] = lambda: True

    @property
    def enabled(self) -> bool:
        """Whether breaking items are sent as alerts at all."""
        return self._settings.enabled

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Mark what a dead process left half-sent as uncertain, then resume the queue."""
        async with self._db.write() as conn:
            interrupted = await AlertRepository(conn).interrupted_to_uncertain(now=self._clock())
        if interrupted:
            logger.warning("%d alert messages may not have gone out before a stop", interrupted)
        self.kick()

    def kick(self) -> None:
        """Make sure the sending task runs (it ends by itself when the queue is empty)."""
        if self._stopping.is_set() or not self.may_run():
            return  # a follower's alert waits for the leader's next round (its `alerts` job)
        if self._task is not None and not self._task.done():
            self._wake = True
            return
        with newsroom_writes():  # the fan-out writes as the newsroom, behind the lease's fence
            self._task = asyncio.create_task(self._run(), name="alerts")
        self._task.add_done_callback(_log_crash)

    async def stop(self) -> None:
        """Finish the window in flight, record it, and stop; the rest waits for the next start."""
        self._stopping.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        if self._sender is not None:
            await self._sender.close()

    # --- the queue -------------------------------------------------------------------------

    async def enqueue(self, article_id: int, post_url: str | None) -> int:
        """Queue an alert for every opted-in subscriber; return how many will get it."""
        if not self.enabled:
            return 0
        async with self._db.write() as conn:
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
        async with self._db.write() as conn:
            await AlertRepository(conn).cancel_pending(article_id, now=self._clock())

    async def reach(self) -> AlertReach:
        """What an alert published now would do: its readers, and the time until the last of
        them has it at the configured pace (after the alerts still going out)."""
        repo = AlertRepository(self._db.store)
        readers = await repo.opted_in()
        ahead = await repo.left_to_send()
        return AlertReach(readers, (ahead + readers) / self._pace)

    async def progress(self) -> list[AlertProgress]:
        """The alerts still going out, oldest first, with their rate and time left."""
        repo = AlertRepository(self._db.store)
        found = []
        queued = 0  # recipients of the alerts ahead (they go out first)
        for alert in await repo.unfinished():
            article = await ArticleRepository(self._db.store).get(alert.article_id)
            title = article.title if article else f"article {alert.article_id}"
            counts = await repo.counts(alert.id)
            progress = AlertProgress(alert.id, title, counts)
            rate = self._measured_rate(alert.id, progress.done)
            queued += progress.left
            left = queued / rate if rate else queued / self._pace
            found.append(AlertProgress(alert.id, title, counts, rate, left))
        return found

    def _measured_rate(self, alert_id: int, done: int) -> float | None:
        """Alerts a second since this process began sending `alert_id`; None if it is not the
        one going out, or too early to tell (under a second, or nothing handled yet)."""
        if self._live is None or self._live[0] != alert_id:
            return None
        _, started, done_then = self._live
        elapsed = time.monotonic() - started
        if elapsed < 1.0 or done <= done_then:
            return None
        return (done - done_then) / elapsed

    async def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake = False
            alerts = await AlertRepository(self._db.store).unfinished()
            if not alerts and not self._wake:
                return
            for alert in alerts:
                if not await self._broadcast(alert):
                    return

    async def _broadcast(self, alert: Alert) -> bool:
        """Send one alert to everyone still pending; False when stopping cut it short."""
        article = await ArticleRepository(self._db.store).get(alert.article_id)
        title = article.title if article else f"article {alert.article_id}"
        paid = self._settings.paid_broadcast
        message = AlertMessage(article, alert.post_url, paid_broadcast=paid) if article else None
        await self._begin(alert)
        outcomes: list[Outcome] = []  # finished sends not yet recorded
        queue: deque[Recipient] = deque()  # claimed, not yet handed to a send task
        sending: set[asyncio.Task[Outcome]] = set()

        def done(task: asyncio.Task[Outcome]) -> None:
            sending.discard(task)
            self._slots.release()
            if not task.cancelled():
                outcomes.append(task.result())

        exhausted = message is None  # the article was deleted meanwhile: nothing to send
        try:
            while not exhausted and not self._stopping.is_set():
                if not queue:
                    finished = outcomes.copy()
                    outcomes.clear()
                    async with self._db.write() as conn:
                        repo = AlertRepository(conn)
                        await repo.record(alert.id, finished, now=self._clock())
                        batch = await repo.claim(
                            alert.id,
                            self._window,
                            now=self._clock(),
                            claimed_by=self._db.worker_id,
                        )
                    queue.extend(batch)
                    exhausted = not batch
                    continue
                await self._slots.acquire()
                if self._stopping.is_set():
                    self._slots.release()
                    break
                assert message is not None
                task = asyncio.create_task(self._one(queue.popleft(), message))
                sending.add(task)
                task.add_done_callback(done)
        finally:
            if sending:  # the sends in flight finish (or give up their slot when stopping)
                await asyncio.wait(set(sending))
            unsent = [Outcome(r.user_id, "pending") for r in queue]  # claimed, never tried
            async with self._db.write() as conn:
                repo = AlertRepository(conn)
                await repo.record(alert.id, [*outcomes, *unsent], now=self._clock())
                left = any(o.state == "pending" for o in outcomes) or bool(unsent)
                if exhausted and not left and not self._stopping.is_set():
                    await repo.finish(alert.id, now=self._clock())
        if self._stopping.is_set():
            return False
        if exhausted and not left:
            await self._summarise(alert, title)
        return True  # otherwise the task's next pass over the unfinished alerts resumes it

    async def _begin(self, alert: Alert) -> None:
        """Open the wire once; note when this process began sending `alert` (for /status)."""
        if self._sender is None:
            self._sender = open_sender(self._bot, self._connections)
        counts = await AlertRepository(self._db.store).counts(alert.id)
        self._live = (alert.id, time.monotonic(), AlertProgress(alert.id, "", counts).done)

    async def _one(self, recipient: Recipient, message: AlertMessage) -> Outcome:
        assert self._sender is not None
        tries = 0
        while True:
            if not await self._pacer.acquire(self._stopping):
                return Outcome(recipient.user_id, "pending")  # not sent: resume later
            try:
                return await self._sender.send(recipient, message)
            except AlertRetryLaterError as wait:
                logger.warning("429 while sending alerts: holding them %.0f s", wait.seconds)
                self._pacer.hold(wait.seconds + 0.1)
                continue
            except AlertTryAgainError as exc:
                tries += 1
                if tries == TRANSIENT_TRIES:
                    return Outcome(recipient.user_id, "failed", exc.description[:200])
            except Exception as exc:  # one recipient's problem never stops the others
                logger.exception("alert to %s failed unexpectedly", recipient.user_id)
                return Outcome(recipient.user_id, "failed", repr(exc)[:200])
            finally:
                self._pacer.release()
            await asyncio.sleep(0.2 * 2**tries)  # a passing failure: back off, then again

    async def _summarise(self, alert: Alert, title: str) -> None:
        counts = await AlertRepository(self._db.store).counts(alert.id)
        took = (self._clock() - alert.created_at).total_seconds()
        key: catalogue.EditorKey = (
            "alert_finished_uncertain" if counts["uncertain"] else "alert_finished"
        )

        def compose(language: str) -> str:
            return catalogue.text(
                key,
                language,
                title=escape_html(title),
                sent=counts["sent"],
                failed=counts["failed"],
                blocked=counts["blocked"],
                uncertain=counts["uncertain"],
                took=catalogue.plural("duration_seconds", language, round(took), mark=False),
            )

        await self._notifier.send(compose)


def _log_crash(task: asyncio.Task[None]) -> None:
    error = None if task.cancelled() else task.exception()
    if error is None or isinstance(error, LeaseLostError):
        return  # another worker leads the newsroom now; the leadership said so
    logger.error("the alert task crashed", exc_info=error)
