"""PublishingService: passes over the delivery records, posting each article exactly once.

A pass repairs the times of rows the site wrote (setting aside what cannot be read, see
`quarantine`), adopts articles the publisher has not seen (skipping those beyond the backlog
age), edits posts whose article changed, then posts what is due, oldest first, one at a time.
An article that cannot be loaded or rendered is set aside with its reason; it never stops the
pass. Every state
change is committed before the next Bot API call, so a restart resumes from the store alone.
Passes run as one background task (`kick`) so that stopping the bot never waits on a pacing
sleep or a 429 wait: `stop` interrupts sleeps and lets the send in flight finish. Getting one
claimed article out (429 waits, migrations, inline retries) is `sending`'s job.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import Bot

from bot import catalogue
from bot.clock import Clock
from bot.config import Settings
from bot.domain import Article, Delivery
from bot.domain.deliveries import FailureKind
from bot.domain.errors import (
    ClaimLostError,
    DeliveryError,
    LeaseLostError,
    SendInterruptedError,
    UnreadableArticleError,
)
from bot.notify import AdminNotifier
from bot.publishing.channel import ChannelSender, SentPost
from bot.publishing.corrections import correct_changed_posts
from bot.publishing.pacing import ChannelPacer
from bot.publishing.quarantine import Quarantine
from bot.publishing.sending import ArticleSender, backoff
from bot.publishing.uncertain import UncertainPosts
from bot.rendering import RenderedPost
from bot.rendering.text import escape_html
from storage.articles import ArticleRepository
from storage.database import Database
from storage.deliveries import DeliveryRepository
from storage.state import StateRepository

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# An editor's /pause: every routine pass honours it (the job, "Post again", `newsdesk publish`);
# breaking news and /post go out regardless, by design.
EDITOR_PAUSED_KEY = "admin.publishing_paused"


@dataclass
class PassReport:
    """What one pass did."""

    posted: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    uncertain: list[int] = field(default_factory=list)
    corrected: list[int] = field(default_factory=list)
    paused: str | None = None


class PublishingService:
    """Posts articles to the channel and keeps their delivery records."""

    def __init__(
        self, settings: Settings, db: Database, bot: Bot, notifier: AdminNotifier, clock: Clock
    ) -> None:
        self._settings = settings
        self._db = db
        self._clock = clock
        self._sender = ChannelSender(bot, ChannelPacer(settings.publishing.max_posts_per_minute))
        self._notifier = notifier
        self._uncertain = UncertainPosts(db, notifier, clock)
        self._quarantine = Quarantine(db, notifier, clock)
        self._lock = asyncio.Lock()
        self._stopping = asyncio.Event()
        self._articles = ArticleSender(settings, db, self._sender, clock, self._stopping)
        self._task: asyncio.Task[PassReport] | None = None

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Turn `sending` rows left by a dead process into `uncertain`, and tell the admins."""
        async with self._db.transaction() as conn:
            await DeliveryRepository(conn).interrupted_to_uncertain(now=self._clock())
        # Also repeats alerts that a crash or a refused message kept from the editors.
        await self._uncertain.report_unreported("uncertain_stopped")

    def kick(self) -> None:
        """Start a pass in the background unless one is running (the JobQueue calls this)."""
        if self._stopping.is_set() or (self._task is not None and not self._task.done()):
            return
        self._task = asyncio.create_task(self.run_pass(), name="publishing-pass")
        self._task.add_done_callback(_log_crash)

    async def stop(self) -> None:
        """Interrupt waits and let the send in flight finish."""
        self._stopping.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    # --- state -----------------------------------------------------------------------------

    async def chat_id(self) -> int | str:
        """The channel, following a migration if one happened."""
        return await self._articles.chat_id()

    async def paused_reason(self) -> str | None:
        """Why publishing is paused, or None."""
        return await self._articles.paused_reason()

    def render(self, article: Article, *, breaking: bool = False) -> RenderedPost:
        """The channel post for an article, in the site's zone and language."""
        return self._articles.render(article, breaking=breaking)

    async def would_post(self) -> list[Article]:
        """What a pass would post now (for `publish --dry-run`); writes nothing."""
        now = self._clock()
        cutoff = now - timedelta(hours=self._settings.publishing.backlog_max_age_hours)
        return await DeliveryRepository(self._db.conn).would_post(now=now, cutoff=cutoff)

    # --- the pass --------------------------------------------------------------------------

    async def run_pass(self) -> PassReport:
        """Adopt new articles, correct changed posts, post what is due."""
        report = PassReport()
        if self._lock.locked():
            return report
        async with self._lock:
            await self._quarantine.repair()
            now = self._clock()
            cutoff = now - timedelta(hours=self._settings.publishing.backlog_max_age_hours)
            async with self._db.transaction() as conn:
                await DeliveryRepository(conn).adopt_new(now=now, cutoff=cutoff)
            editor_pause = await StateRepository(self._db.conn).get(EDITOR_PAUSED_KEY)
            if editor_pause is not None:
                report.paused = f"paused by an editor: {editor_pause}"
                return report
            report.paused = await self.paused_reason()
            report.corrected = await correct_changed_posts(
                self._db,
                sender=self._sender,
                render=lambda article: self.render(article, breaking=article.is_breaking),
                channel=self.chat_id,
                clock=self._clock,
                stopping=self._stopping,
            )
            while not self._stopping.is_set():
                try:
                    due = await DeliveryRepository(self._db.conn).next_due(self._clock())
                except UnreadableArticleError as exc:
                    await self._quarantine.hold(exc.article_id, exc.reason)
                    continue
                if due is None or not await self._deliver(*due, report=report):
                    break
            report.paused = await self.paused_reason()
        return report

    async def _deliver(self, delivery: Delivery, article: Article, *, report: PassReport) -> bool:
        """Post one article; False ends the pass (paused, stopping, or the channel is down)."""
        try:
            self.render(article)
        except Exception as exc:
            # A value the site wrote that the renderer cannot handle is that article's problem:
            # it is set aside with the reason, and the others still go out.
            logger.exception("article %s cannot be rendered", article.id)
            await self._quarantine.hold(article.id, f"could not be rendered: {exc!r}"[:300])
            return True
        was_paused = await self.paused_reason()
        async with self._db.transaction() as conn:
            if not await DeliveryRepository(conn).claim(article.id, now=self._clock()):
                return True  # an editor's push took it meanwhile
        try:
            sent, chat_id, post = await self._articles.send(article, breaking=False)
        except DeliveryError as exc:
            return await self._failed(delivery, article, exc.failure.kind, str(exc), report)
        except SendInterruptedError:
            return False  # stopping: the article is pending again, due after its wait
        except ClaimLostError:
            return True
        await self._articles.record_posted(article.id, chat_id, sent, post)
        report.posted.append(article.id)
        if was_paused:
            await self._articles.set_paused(None)
            await self._notifier.send(lambda language: catalogue.text("notice_resumed", language))
        return True

    async def publish_now(self, article_id: int, *, breaking: bool = True) -> SentPost:
        """Post one article at once, ahead of the routine queue (breaking news, `/post <id>`).

        Loud when breaking; the per-channel limit still holds. An ambiguous timeout leaves the
        article `uncertain` and reported, like any post. Raises `DeliveryError` when Telegram
        refuses, and `LookupError` when the article does not exist or is being sent already.
        """
        try:
            article = await ArticleRepository(self._db.conn).get(article_id)
        except UnreadableArticleError as exc:
            raise LookupError(f"article {article_id} cannot be read ({exc.reason})") from None
        if article is None:
            raise LookupError(f"article {article_id} does not exist")
        async with self._db.transaction() as conn:
            deliveries = DeliveryRepository(conn)
            await deliveries.ensure(article_id, now=self._clock())
            if not await deliveries.claim(article_id, now=self._clock(), repost=breaking):
                raise LookupError(f"article {article_id} is being sent or was handled already")
        try:
            sent, chat_id, post = await self._articles.send(article, breaking=breaking)
        except ClaimLostError:
            raise LookupError(f"article {article_id} was taken by another send") from None
        except SendInterruptedError:
            raise LookupError("the bot is stopping; the article waits in the queue") from None
        except DeliveryError as exc:
            if exc.failure.kind is FailureKind.AMBIGUOUS:
                async with self._db.transaction() as conn:
                    await DeliveryRepository(conn).mark_uncertain(
                        article_id, error=str(exc), now=self._clock()
                    )
                await self._uncertain.report(article_id, "uncertain_timeout")
            elif breaking:
                # A failed push must not go out later, silently, as a routine post: the editor
                # who pushed it sees the error and decides (/retry).
                async with self._db.transaction() as conn:
                    await DeliveryRepository(conn).skip(
                        article_id, f"breaking push failed: {exc}", now=self._clock()
                    )
            else:
                await self._requeue(article_id, PassReport())
            raise
        await self._articles.record_posted(article_id, chat_id, sent, post)
        return sent

    async def _requeue(self, article_id: int, report: PassReport) -> bool:
        async with self._db.transaction() as conn:
            await DeliveryRepository(conn).requeue(article_id, now=self._clock())
        return False

    async def _failed(
        self,
        delivery: Delivery,
        article: Article,
        kind: FailureKind,
        error: str,
        report: PassReport,
    ) -> bool:
        now = self._clock()
        if kind is FailureKind.AMBIGUOUS:
            async with self._db.transaction() as conn:
                await DeliveryRepository(conn).mark_uncertain(article.id, error=error, now=now)
            report.uncertain.append(article.id)
            await self._uncertain.report(article.id, "uncertain_timeout")
            return True
        if kind is FailureKind.CHANNEL_LOST:
            await self._requeue(article.id, report)
            if await self.paused_reason() is None:
                await self._articles.set_paused(error)
                channel = escape_html(str(await self.chat_id()))
                await self._notifier.send(
                    lambda language: catalogue.text(
                        "notice_channel_lost", language, channel=channel, error=escape_html(error)
                    )
                )
            return False
        attempts = delivery.attempts + 1
        final = kind is FailureKind.PERMANENT and attempts >= MAX_ATTEMPTS
        retry_at = now + timedelta(
            seconds=backoff(attempts, self._settings.publishing.retry_backoff_seconds)
            * (60 if not final else 1e4)
        )
        async with self._db.transaction() as conn:
            await DeliveryRepository(conn).mark_failed(
                article.id, error=error, retry_at=retry_at, now=now
            )
        report.failed.append(article.id)
        logger.error("article %s not posted (%s): %s", article.id, kind.value, error)
        # A transient failure that outlived the inline retries: the channel is down, stop here.
        return kind is FailureKind.PERMANENT

    async def report_uncertain(self, article_id: int, why: catalogue.EditorKey) -> None:
        """Tell the editors a post may or may not exist (also for the breaking photo path)."""
        await self._uncertain.report(article_id, why)

    async def decide_uncertain(self, article_id: int, *, post_again: bool) -> bool:
        """Requeue an uncertain article, or record it as posted; False if it is not uncertain.

        An editor's press goes through `ControlService.decide_uncertain`, which checks the
        editors' gate and writes the audit trail.
        """
        done = await self._uncertain.decide(
            article_id, post_again=post_again, chat_id=await self.chat_id()
        )
        if done and post_again:
            self.kick()
        return done


def _log_crash(task: asyncio.Task[PassReport]) -> None:
    if task.cancelled() or task.exception() is None:
        return
    if isinstance(task.exception(), LeaseLostError):
        return  # not a crash: another process is the bot now, and the services said so
    logger.error("publishing pass crashed", exc_info=task.exception())
