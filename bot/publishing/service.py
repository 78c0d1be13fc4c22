"""PublishingService: passes over the delivery records, posting each article once per channel.

A pass repairs the times of rows the site wrote (setting aside what cannot be read, see
`quarantine`), adopts articles the publisher has not seen (one record per channel that takes
them, see `adoption`; skipping those beyond the backlog age), edits posts whose article changed,
then posts what is due: each channel (`edition`) drains its own queue, oldest first, one at a
time, concurrently with the others, so one channel's pace, 429 or quiet hours hold only it.
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
from collections.abc import Callable, Sequence
from datetime import timedelta

from telegram import Bot

from bot import catalogue
from bot.clock import Clock
from bot.config import Settings
from bot.domain import Article, Delivery
from bot.domain.errors import (
    ClaimLostError,
    DeliveryError,
    LeaseLostError,
    SendInterruptedError,
    StoreUnavailableError,
    UnreadableArticleError,
)
from bot.notify import AdminNotifier
from bot.publishing.adoption import adopt_new, adopt_unnamed
from bot.publishing.channel import SentPost
from bot.publishing.corrections import correct_changed_posts
from bot.publishing.edition import Edition, build_editions
from bot.publishing.immediate import ChannelPost, ImmediatePublisher, Pushed
from bot.publishing.quarantine import Quarantine
from bot.publishing.refusals import RoutineFailures
from bot.publishing.report import PassReport
from bot.publishing.routing import channels_for, unrouted_reason
from bot.publishing.sending import adopt_unnamed_state
from bot.publishing.uncertain import UncertainPosts
from bot.rendering import RenderedPost
from storage.database import Database, newsroom_writes
from storage.deliveries import DeliveryRepository
from storage.state import StateRepository

logger = logging.getLogger(__name__)

# An editor's /pause: every routine pass honours it (the job, "Post again", `newsdesk publish`);
# breaking news and /post go out regardless, by design.
EDITOR_PAUSED_KEY = "admin.publishing_paused"


def channel_pause_key(channel: str) -> str:
    """Where an editor's `/pause <channel>` is stored: that channel alone waits."""
    return f"{EDITOR_PAUSED_KEY}:{channel}"


class PublishingService:
    """Posts articles to the channels and keeps their delivery records."""

    def __init__(
        self, settings: Settings, db: Database, bot: Bot, notifier: AdminNotifier, clock: Clock
    ) -> None:
        self._settings = settings
        self._db = db
        self._clock = clock
        self._notifier = notifier
        self._uncertain = UncertainPosts(db, notifier, clock)
        self._quarantine = Quarantine(db, notifier, clock)
        self._lock = asyncio.Lock()
        self._stopping = asyncio.Event()
        self.editions = build_editions(
            settings, db=db, bot=bot, clock=clock, stopping=self._stopping
        )
        self._first = next(iter(self.editions.values()))
        self._task: asyncio.Task[PassReport] | None = None
        self._failures = RoutineFailures(settings, db, notifier, clock, self._uncertain)
        self._immediate = ImmediatePublisher(db, clock, self._uncertain, self.targets)
        # Whether this process runs the newsroom (bot.leadership sets it for `run`).
        self.may_run: Callable[[], bool] = lambda: True

    def observe_posts(self, on_posted: Callable[[str, float], None]) -> None:
        """Tell `on_posted(channel, lag seconds)` of every post recorded, in every channel."""
        for edition in self.editions.values():
            edition.articles.on_posted = on_posted

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Adopt records from before editions, turn `sending` rows left by a dead process into
        `uncertain`, and tell the admins."""
        await adopt_unnamed(self._db, self._first.name)
        await adopt_unnamed_state(self._db, self._first.name, self._clock)
        async with self._db.write() as conn:
            await DeliveryRepository(conn).interrupted_to_uncertain(now=self._clock())
        # Also repeats alerts that a crash or a refused message kept from the editors.
        await self._uncertain.report_unreported("uncertain_stopped")

    def kick(self) -> None:
        """Start a pass in the background unless one is running (the JobQueue calls this).

        Only where the newsroom runs (`may_run`): on a follower an editor's /resume is left to
        the leader's next tick. The pass writes as the newsroom, behind the lease's fence.
        """
        if self._stopping.is_set() or (self._task is not None and not self._task.done()):
            return
        if not self.may_run():
            return
        with newsroom_writes():  # the task inherits it
            self._task = asyncio.create_task(self.run_pass(), name="publishing-pass")
        self._task.add_done_callback(self._log_crash)

    async def stop(self) -> None:
        """Interrupt waits and let the sends in flight finish."""
        self._stopping.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    def _log_crash(self, task: asyncio.Task[PassReport]) -> None:
        error = None if task.cancelled() else task.exception()
        if error is None or isinstance(error, LeaseLostError):
            return  # a lost lease is no crash: another process is the bot, the services said so
        if not isinstance(error, StoreUnavailableError):
            logger.error("publishing pass crashed", exc_info=error)
        elif not self._db.health.down:  # an outage is logged once, by the store's health
            logger.warning("publishing pass interrupted: %s; the next pass resumes", error)

    # --- state -----------------------------------------------------------------------------

    def edition(self, name: str | None = None) -> Edition:
        """A channel's edition by name (None: the first configured); KeyError if unknown."""
        return self._first if name is None else self.editions[name]

    async def chat_id(self, channel: str | None = None) -> int | str:
        """A channel's chat (None: the first channel's), following a migration if one happened."""
        return await self.edition(channel).articles.chat_id()

    async def paused_reason(self) -> str | None:
        """Why publishing is paused in some channel ("name: reason" each), or None."""
        reasons = [
            (edition.name, reason)
            for edition in self.editions.values()
            if (reason := await edition.articles.paused_reason()) is not None
        ]
        if len(self.editions) == 1 or not reasons:
            return reasons[0][1] if reasons else None
        return "; ".join(f"{name}: {reason}" for name, reason in reasons)

    def render(
        self, article: Article, *, breaking: bool = False, channel: str | None = None
    ) -> RenderedPost:
        """A channel's post for an article (None: the first channel's card)."""
        return self.edition(channel).articles.render(article, breaking=breaking)

    def targets(self, article: Article) -> list[Edition]:
        """The channels that take an article (routing); LookupError naming why if none does."""
        rules = (article.language, article.category, article.source, self._settings.site.language)
        taken = channels_for(self._settings.channels, *rules)
        if not taken:
            reason = unrouted_reason(self._settings.channels, *rules)
            raise LookupError(f"article {article.id}: {reason}")
        return [self.editions[channel.name] for channel in taken]

    async def would_post(self) -> list[Article]:
        """What a pass would post now (for `publish --dry-run`); writes nothing."""
        now = self._clock()
        cutoff = now - timedelta(hours=self._settings.publishing.backlog_max_age_hours)
        return await DeliveryRepository(self._db.store).would_post(now=now, cutoff=cutoff)

    # --- the pass --------------------------------------------------------------------------

    async def run_pass(self) -> PassReport:
        """Adopt new articles, correct changed posts, post what is due in every channel."""
        report = PassReport()
        if self._lock.locked():
            return report
        async with self._lock:
            await self._quarantine.repair()
            now = self._clock()
            cutoff = now - timedelta(hours=self._settings.publishing.backlog_max_age_hours)
            await adopt_new(self._db, self._settings, now=now, cutoff=cutoff)
            editor_pause = await StateRepository(self._db.store).get(EDITOR_PAUSED_KEY)
            if editor_pause is not None:
                report.paused = f"paused by an editor: {editor_pause}"
                return report
            report.paused = await self.paused_reason()
            report.corrected = await correct_changed_posts(
                self._db, editions=self.editions, clock=self._clock, stopping=self._stopping
            )
            await asyncio.gather(
                *(self._drain(edition, report) for edition in self.editions.values())
            )
            report.paused = await self.paused_reason()
        return report

    async def _drain(self, edition: Edition, report: PassReport) -> None:
        """Post what is due in one channel, oldest first, until none is or the channel stops."""
        while not self._stopping.is_set():
            if await StateRepository(self._db.store).get(channel_pause_key(edition.name)):
                return  # an editor paused this channel alone (read before each post)
            now = self._clock()
            if edition.holds_routine(now):
                report.held.append(edition.name)
                return
            try:
                due = await DeliveryRepository(self._db.store).next_due(now, edition.name)
            except UnreadableArticleError as exc:
                await self._quarantine.hold(exc.article_id, exc.reason)
                continue
            if due is None or not await self._deliver(edition, *due, report=report):
                return

    async def _deliver(
        self, edition: Edition, delivery: Delivery, article: Article, *, report: PassReport
    ) -> bool:
        """Post one article to one channel; False ends that channel's turn (paused, stopping,
        or the channel is down)."""
        try:
            edition.articles.render(article)
        except Exception as exc:
            # A value the site wrote that the renderer cannot handle is that article's problem:
            # it is set aside with the reason, and the others still go out.
            logger.exception("article %s cannot be rendered", article.id)
            await self._quarantine.hold(article.id, f"could not be rendered: {exc!r}"[:300])
            return True
        was_paused = await edition.articles.paused_reason()
        async with self._db.write() as conn:
            if not await DeliveryRepository(conn).claim(
                article.id,
                channel=edition.name,
                now=self._clock(),
                due=True,
                claimed_by=self._db.worker_id,
            ):
                return True  # another pass or an editor's push took (or held) it meanwhile
        silent = edition.routine_silent(self._clock())
        try:
            sent, chat_id, post = await edition.articles.send(
                article, breaking=False, silent=silent
            )
        except DeliveryError as exc:
            return await self._failures.failed(edition, delivery, article, exc, report)
        except SendInterruptedError:
            return False  # stopping: the article is pending again, due after its wait
        except ClaimLostError:
            return True
        return await self._posted(edition, article, (sent, chat_id, post), was_paused, report)

    async def _posted(
        self,
        edition: Edition,
        article: Article,
        outcome: tuple[SentPost, int | str, RenderedPost],
        was_paused: str | None,
        report: PassReport,
    ) -> bool:
        """Record a post that went out; lift the channel's pause it proved wrong."""
        sent, chat_id, post = outcome
        try:
            await edition.articles.record_posted(article, chat_id, sent, post)
        except SendInterruptedError:
            return False  # stopping during a store outage: left `sending`, uncertain at start
        report.posted.append(article.id)
        if was_paused:
            await edition.articles.set_paused(None)
            await self._notifier.send(lambda language: catalogue.text("notice_resumed", language))
        return True

    async def publish_now(
        self, article_id: int, *, breaking: bool = True, channels: Sequence[str] | None = None
    ) -> list[ChannelPost]:
        """Post one article at once to `channels` (None: every channel that takes it), ahead
        of the routine queue (breaking news, `/post <id>`); see `immediate`.

        Loud when breaking (quiet hours do not hold it); each channel's limit still holds. An
        ambiguous timeout leaves that channel's record `uncertain` and reported, like any post.
        Raises `DeliveryError` when Telegram refused every channel, and `LookupError` when the
        article does not exist, no channel takes it, or it is being sent already.
        """
        pushed = await self.push(article_id, breaking=breaking, channels=channels)
        if not pushed.posts:
            raise next(iter(pushed.failures.values()))
        return pushed.posts

    async def load(self, article_id: int) -> Article:
        """An article to push; LookupError naming why it cannot be."""
        return await self._immediate.load(article_id)

    async def push(
        self, article_id: int, *, breaking: bool, channels: Sequence[str] | None = None
    ) -> Pushed:
        """Like `publish_now`, with each channel's outcome (for the editor to read)."""
        editions = None if channels is None else [self.editions[name] for name in channels]
        return await self._immediate.push(article_id, breaking=breaking, editions=editions)

    async def report_uncertain(self, article_id: int, why: catalogue.EditorKey) -> None:
        """Tell the editors a post may or may not exist (also for the breaking photo path)."""
        await self._uncertain.report(article_id, why)

    async def decide_uncertain(self, article_id: int, *, post_again: bool) -> bool:
        """Requeue an article's uncertain posts, or record them as posted; False if none is
        uncertain.

        An editor's press goes through `ControlService.decide_uncertain`, which checks the
        editors' gate and writes the audit trail.
        """
        chats = {
            name: str(await edition.articles.chat_id()) for name, edition in self.editions.items()
        }
        done = await self._uncertain.decide(article_id, post_again=post_again, chat_ids=chats)
        if done and post_again:
            self.kick()
        return done
