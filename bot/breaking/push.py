"""The push of a decided breaking item: the loud send, then the pin, the record and the alerts.

`BreakingService` turns an editor's Publish into a held article; from there this module takes
over. The send is the publisher's `publish_now` (ahead of the routine queue, urgent pacing) or,
for the editor's own photo, `PhotoPoster`. Only after the post exists is it pinned, recorded as
a breaking post (so a retraction finds it) and announced to alert subscribers.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot

from bot import catalogue
from bot.alerts.service import AlertService
from bot.breaking.photo import PhotoPoster
from bot.breaking.pins import PinService
from bot.clock import Clock
from bot.config import Settings
from bot.control.audit import AuditTrail
from bot.control.editors import Actor, Reply, esc, post_link
from bot.domain import Preview
from bot.domain.deliveries import FailureKind
from bot.domain.errors import DeliveryError
from bot.publishing.service import PublishingService
from storage.articles import ArticleRepository
from storage.breaking import BreakingPostRepository, PreviewRepository
from storage.database import Database


@dataclass(frozen=True)
class Pushed:
    """Where a breaking post landed (one per channel it went to)."""

    article_id: int
    channel: str
    chat_id: str
    message_id: int


class BreakingPusher:
    """Sends held breaking articles and does what follows a post."""

    def __init__(
        self,
        *,
        db: Database,
        bot: Bot,
        settings: Settings,
        publisher: PublishingService,
        alerts: AlertService,
        audit: AuditTrail,
        pins: PinService,
        clock: Clock,
    ) -> None:
        self._db, self._settings, self._publisher = db, settings, publisher
        self._alerts, self._audit, self._pins, self._clock = alerts, audit, pins, clock
        self._photos = PhotoPoster(db, bot, publisher, clock)

    async def push_preview(self, actor: Actor, preview: Preview, article_id: int) -> Reply:
        """Push the article a claimed preview became, and tell the editor how it went."""
        target = f"preview {preview.id}, article {article_id}"
        try:
            pushed = await self.push(article_id, preview.photo_file_id, preview.channels)
        except (DeliveryError, LookupError) as exc:
            async with self._db.write() as conn:
                await PreviewRepository(conn).finish(
                    preview.id, "failed", article_id=article_id, message_id=None, now=self._clock()
                )
            await self._audit.record(actor, "breaking", target, f"failed: {exc}")
            if isinstance(exc, DeliveryError) and exc.failure.kind is FailureKind.AMBIGUOUS:
                # Telegram may have posted it: retrying blindly could post breaking news twice.
                return Reply(
                    catalogue.text(
                        "breaking_uncertain", actor.language, error=esc(exc), id=article_id
                    ),
                    close_question=True,
                )
            return Reply(
                catalogue.text("breaking_failed", actor.language, error=esc(exc), id=article_id),
                close_question=True,
            )
        async with self._db.write() as conn:
            await PreviewRepository(conn).finish(
                preview.id,
                "published",
                article_id=article_id,
                message_id=pushed[0].message_id,
                now=self._clock(),
            )
        return await self._after_post(actor, target, pushed)

    async def push(
        self,
        article_id: int,
        photo_file_id: str | None,
        channels: tuple[str, ...] | None = None,
    ) -> list[Pushed]:
        """Post a held article loud to `channels` (None: every channel that takes it), ahead
        of the queue (the photo path for an editor's photo)."""
        if photo_file_id is None:
            posts = await self._publisher.publish_now(article_id, breaking=True, channels=channels)
        else:
            article = await ArticleRepository(self._db.store).get(article_id)
            if article is None:
                raise LookupError(f"article {article_id} does not exist")
            posts = await self._photos.post(article, photo_file_id, channels)
        return [
            Pushed(article_id, post.channel, post.chat_id, post.sent.message_id) for post in posts
        ]

    async def _after_post(self, actor: Actor, target: str, pushed: list[Pushed]) -> Reply:
        chats = {channel.name: channel.chat for channel in self._settings.channels}
        lines: list[str] = []
        links: list[str] = []
        for post in pushed:  # each channel's post is pinned there, and recorded
            link = post_link(chats[post.channel], post.chat_id, post.message_id)
            links.append(link)
            lines.append(catalogue.text("breaking_published", actor.language, link=link))
            pinned, unpin_at, line = await self._pins.pin(
                post.chat_id, post.message_id, actor.language
            )
            if line:
                lines.append(line)
            async with self._db.write() as conn:
                await BreakingPostRepository(conn).record(
                    post.article_id,
                    channel=post.channel,
                    chat_id=post.chat_id,
                    message_id=post.message_id,
                    photo_file_id=None,
                    pinned=pinned,
                    unpin_at=unpin_at,
                    now=self._clock(),
                )
        if self._alerts.enabled:
            # Subscribers get one alert, linking the first channel's post.
            count = await self._alerts.enqueue(pushed[0].article_id, links[0])
            lines.append(catalogue.plural("alert_going_out", actor.language, count))
        await self._audit.record(actor, "breaking", target, f"published {' '.join(links)}")
        return Reply("\n".join(lines), close_question=True)
