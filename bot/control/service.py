"""ControlService: the control room — /status, /pause, /resume, /post, /retry, /skip, /audit,
and the editors' decision on a post that may or may not have reached the channel.

An editor's pause is stored (`bot_state`), kept in memory for the publisher job to read on
every tick, and separate from the publisher's own "channel lost" pause: the publisher lifts
its pause by itself when the channel works again, an editor's pause lasts until /resume.
Pushes by an editor (/post, /breaking) still go out while paused — they are deliberate.
"""

from __future__ import annotations

from datetime import datetime, time

from bot import catalogue
from bot.alerts.service import AlertService
from bot.clock import Clock
from bot.config import Settings
from bot.control.audit import AuditTrail
from bot.control.editors import Actor, Editors, Reply, esc, when
from bot.control.pausing import Pauses
from bot.control.posting import Posting
from bot.control.status import status_text
from bot.domain import DeliveryState
from bot.domain.deliveries import ChannelQueue
from bot.ingest.pageworker import PageReader
from bot.publishing.service import PublishingService
from bot.rendering.text import single_line, truncate, utf16_len
from bot.sources.fetcher import Fetcher
from bot.sources.service import SourceService
from storage.articles import ArticleRepository
from storage.control import ControlRepository
from storage.database import Database
from storage.deliveries import DeliveryRepository


class ControlService:
    """The control room's commands."""

    def __init__(
        self,
        *,
        db: Database,
        settings: Settings,
        publisher: PublishingService,
        sources: SourceService,
        fetcher: Fetcher,
        pages: PageReader,
        alerts: AlertService,
        audit: AuditTrail,
        editors: Editors,
        clock: Clock,
        started_at: datetime,
    ) -> None:
        self._db, self._settings, self._publisher = db, settings, publisher
        self._sources, self._fetcher, self._alerts = sources, fetcher, alerts
        self._pages = pages
        self._audit, self._editors, self._clock = audit, editors, clock
        self._started_at = started_at
        self._posting = Posting(
            db=db,
            settings=settings,
            publisher=publisher,
            fetcher=fetcher,
            pages=pages,
            audit=audit,
            clock=clock,
        )
        self.pauses = Pauses(
            db=db, settings=settings, publisher=publisher, audit=audit, clock=clock
        )

    @property
    def editor_pause(self) -> str | None:
        """An editor's pause of every channel (the publisher job then skips its tick)."""
        return self.pauses.everything

    async def load(self) -> None:
        """Read the pauses that survived a restart."""
        await self.pauses.load()

    async def status(self, actor: Actor) -> Reply:
        """/status."""
        self._editors.check(actor)
        now = self._clock()
        deliveries = DeliveryRepository(self._db.store)
        control = ControlRepository(self._db.store)
        midnight = datetime.combine(now.astimezone(self._settings.site.tz).date(), time())
        text = status_text(
            settings=self._settings,
            now=now,
            started_at=self._started_at,
            counts=await deliveries.counts(),
            posted_today=await control.posted_since(
                midnight.replace(tzinfo=self._settings.site.tz)
            ),
            last_post=await deliveries.last_posted_at(),
            oldest_due=await control.oldest_due(now),
            editor_pause=self.editor_pause,
            channel_pause=await self._publisher.paused_reason(),
            alerts=await self._alerts.progress(),
            sources=await self._sources.states(),
            language=actor.language,
            channels=await self._channel_queues(now),
        )
        return Reply(text)

    async def _channel_queues(self, now: datetime) -> list[tuple[ChannelQueue, str | None]]:
        """Each configured channel's queue and why it is paused, in configuration order."""
        queues = await ControlRepository(self._db.store).channel_queues(now)
        found = []
        for name, edition in self._publisher.editions.items():
            queue = queues.get(name) or ChannelQueue(name, 0, None, None)
            paused = self.pauses.reason(name) or await edition.articles.paused_reason()
            found.append((queue, paused))
        return found

    async def pause(self, actor: Actor, arg: str = "") -> Reply:
        """/pause [channel]: see `pausing`."""
        self._editors.check(actor)
        return await self.pauses.pause(actor, arg)

    async def resume(self, actor: Actor, arg: str = "") -> Reply:
        """/resume [channel]: see `pausing`."""
        self._editors.check(actor)
        return await self.pauses.resume(actor, arg)

    async def post(self, actor: Actor, arg: str, channel: str = "") -> Reply:
        """/post <id|url> [channel]: see `posting`."""
        self._editors.check(actor)
        return await self._posting.post(actor, arg, channel)

    async def retry(self, actor: Actor, article_id: int) -> Reply:
        """/retry <id>: a failed or uncertain article goes back in the queue, due now."""
        self._editors.check(actor)
        async with self._db.write() as conn:
            delivery = await DeliveryRepository(conn).get(article_id)
            state = delivery.state if delivery else None
            if state in (DeliveryState.FAILED, DeliveryState.UNCERTAIN):
                await DeliveryRepository(conn).requeue(
                    article_id,
                    now=self._clock(),
                    only_from=(DeliveryState.FAILED, DeliveryState.UNCERTAIN),
                )
        if state not in (DeliveryState.FAILED, DeliveryState.UNCERTAIN):
            shown = state.value if state else "not in the queue"
            await self._audit.record(actor, "retry", f"article {article_id}", f"refused: {shown}")
            named = state_name(state, actor.language)
            return Reply(
                catalogue.text("retry_refused", actor.language, id=article_id, state=named)
            )
        if not self.editor_pause:
            self._publisher.kick()
        await self._audit.record(
            actor, "retry", f"article {article_id}", f"requeued (was {state})"
        )
        queued: catalogue.EditorKey = (
            "retry_queued_paused" if self.editor_pause else "retry_queued"
        )
        return Reply(catalogue.text(queued, actor.language, id=article_id))

    async def decide_uncertain(self, actor: Actor, article_id: int, *, post_again: bool) -> bool:
        """An editor's Post again / It is posted on an uncertain post; False if decided already."""
        self._editors.check(actor)
        done = await self._publisher.decide_uncertain(article_id, post_again=post_again)
        verdict = "queued to post again" if post_again else "recorded as posted"
        result = verdict if done else "refused: decided already, or no longer uncertain"
        await self._audit.record(actor, "uncertain", f"article {article_id}", result)
        return done

    async def skip(self, actor: Actor, article_id: int) -> Reply:
        """/skip <id>: the article will not be posted."""
        self._editors.check(actor)
        if await ArticleRepository(self._db.store).get(article_id) is None:
            return Reply(catalogue.text("no_article", actor.language, id=article_id))
        reason = f"skipped by {actor.name}"
        async with self._db.write() as conn:
            deliveries = DeliveryRepository(conn)
            delivery = await deliveries.get(article_id)
            state = delivery.state if delivery else None
            if state is None:
                await deliveries.mark_skipped(article_id, reason, now=self._clock())
            elif state in (DeliveryState.PENDING, DeliveryState.FAILED, DeliveryState.UNCERTAIN):
                await deliveries.skip(
                    article_id,
                    reason,
                    now=self._clock(),
                    only_from=(
                        DeliveryState.PENDING,
                        DeliveryState.FAILED,
                        DeliveryState.UNCERTAIN,
                    ),
                )
        if state in (DeliveryState.POSTED, DeliveryState.SENDING, DeliveryState.SKIPPED):
            await self._audit.record(actor, "skip", f"article {article_id}", f"refused: {state}")
            refused: catalogue.EditorKey = (
                "skip_refused_posted" if state is DeliveryState.POSTED else "skip_refused"
            )
            named = state_name(state, actor.language)
            return Reply(catalogue.text(refused, actor.language, id=article_id, state=named))
        await self._audit.record(actor, "skip", f"article {article_id}", "skipped")
        return Reply(catalogue.text("skip_done", actor.language, id=article_id))

    async def audit(self, actor: Actor) -> Reply:
        """/audit: the last 20 admin actions."""
        self._editors.check(actor)
        entries = await self._audit.latest(20)
        if not entries:
            return Reply(catalogue.text("audit_empty", actor.language))
        tz = self._settings.site.tz
        lines = [catalogue.text("audit_title", actor.language)]
        size = utf16_len(lines[0])
        for e in entries:
            # Names and arguments are whatever people typed: each is cut, and the list stops
            # before Telegram's 4096 UTF-16 units (emoji count double).
            line = (
                f"{when(e.at, tz, actor.language)} · {esc(_short(e.actor, 40))} · {esc(e.action)} "
                f"{esc(_short(e.target, 120))} → {esc(_short(e.result, 200))}"
            )
            size += utf16_len(line) + 1
            if size > AUDIT_LIMIT:
                lines.append("…")
                break
            lines.append(line)
        return Reply("\n".join(lines))


AUDIT_LIMIT = 4000

_STATE_NAMES: dict[DeliveryState | None, catalogue.EditorKey] = {
    DeliveryState.PENDING: "state_pending",
    DeliveryState.SENDING: "state_sending",
    DeliveryState.POSTED: "state_posted",
    DeliveryState.FAILED: "state_failed",
    DeliveryState.SKIPPED: "state_skipped",
    DeliveryState.UNCERTAIN: "state_uncertain",
    None: "state_not_queued",
}


def state_name(state: DeliveryState | None, language: str) -> str:
    """A delivery state as editors read it ("pending", "في الانتظار")."""
    return catalogue.phrase(
        _STATE_NAMES[state],
        language,
    )


def _short(text: str, limit: int) -> str:
    return truncate(single_line(text), limit)
