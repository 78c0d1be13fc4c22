"""A breaking item with the editor's own photo: posted by Telegram file id, not by URL.

The publisher posts photos by URL only (a feed's image), so a photo the editor replied to is
sent here, with the same rendered caption, the same claim-before-send on the article's delivery
record, and loud. The per-channel limit still holds: every request goes through the app's
`AIORateLimiter`, whose group limit is the channel's. The caption is fitted by rendering the
article as if it had a picture, then the picture is swapped for the file id.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

from telegram import Bot
from telegram.error import RetryAfter, TelegramError

from bot.clock import Clock
from bot.domain import Article
from bot.domain.deliveries import FailureKind
from bot.domain.errors import DeliveryError, SendInterruptedError
from bot.publishing.channel import SentPost
from bot.publishing.failures import classify, retry_after_seconds
from bot.publishing.immediate import ChannelPost
from bot.publishing.service import PublishingService
from bot.rendering import RenderedPost
from storage.database import Database
from storage.deliveries import DeliveryRepository

logger = logging.getLogger(__name__)

_PLACEHOLDER_IMAGE = "https://photo.invalid/editor.jpg"
MAX_WAITS = 3  # 429s waited out before giving up on a breaking photo


def render_with_photo(
    publisher: PublishingService,
    article: Article,
    file_id: str | None,
    channel: str | None = None,
) -> RenderedPost:
    """The breaking post (`channel`'s card; None: the first channel's); with `file_id`, a photo
    post captioned within Telegram's limit."""
    if file_id is None:
        return publisher.render(article, breaking=True, channel=channel)
    pictured = article.model_copy(update={"image_url": _PLACEHOLDER_IMAGE})
    return replace(publisher.render(pictured, breaking=True, channel=channel), photo_url=file_id)


class PhotoPoster:
    """Posts one breaking article as a photo given by Telegram file id."""

    def __init__(self, db: Database, bot: Bot, publisher: PublishingService, clock: Clock) -> None:
        self._db = db
        self._bot = bot
        self._publisher = publisher
        self._clock = clock

    async def post(
        self, article: Article, file_id: str, channels: tuple[str, ...] | None = None
    ) -> list[ChannelPost]:
        """Post to `channels` (None: every channel that takes the article); raises the first
        channel's error when none took the post."""
        posts: list[ChannelPost] = []
        errors: list[DeliveryError | LookupError] = []
        editions = (
            self._publisher.targets(article)
            if channels is None
            else [self._publisher.edition(name) for name in channels]
        )
        for edition in editions:
            try:
                sent = await self._post_one(article, file_id, edition.name)
            except (DeliveryError, LookupError) as exc:
                logger.error("breaking photo not posted to %s: %s", edition.name, exc)
                errors.append(exc)
            else:
                chat_id = str(await self._publisher.chat_id(edition.name))
                posts.append(ChannelPost(edition.name, chat_id, sent))
        if not posts:
            raise errors[0]
        return posts

    async def _post_one(self, article: Article, file_id: str, channel: str) -> SentPost:
        """Claim, send loud, record; raises `DeliveryError` (the article is then skipped)."""
        async with self._db.write() as conn:
            deliveries = DeliveryRepository(conn)
            await deliveries.ensure(article.id, channel=channel, now=self._clock())
            if not await deliveries.claim(
                article.id,
                channel=channel,
                now=self._clock(),
                repost=True,
                claimed_by=self._db.worker_id,
            ):
                raise LookupError(f"article {article.id} is being sent already")
        post = render_with_photo(self._publisher, article, file_id, channel)
        chat_id = await self._publisher.chat_id(channel)
        thread = self._publisher.edition(channel).settings.topic_for(article.category)
        try:
            message_id = await self._send(chat_id, post, thread)
        except DeliveryError as exc:
            async with self._db.write() as conn:
                if exc.failure.kind is FailureKind.AMBIGUOUS:
                    await DeliveryRepository(conn).mark_uncertain(
                        article.id, channel=channel, error=str(exc), now=self._clock()
                    )
                else:
                    await DeliveryRepository(conn).skip(
                        article.id,
                        f"breaking push failed: {exc}",
                        now=self._clock(),
                        channel=channel,
                    )
            if exc.failure.kind is FailureKind.AMBIGUOUS:
                await self._publisher.report_uncertain(article.id, "uncertain_timeout")
            raise
        sent = SentPost(message_id, has_photo=True)
        try:  # the same durable record as any post (retried through a store outage)
            await self._publisher.edition(channel).articles.record_posted(
                article, chat_id, sent, post
            )
        except SendInterruptedError:
            raise LookupError(
                f"article {article.id} was posted, but the bot stopped before the store took "
                "the record; it will be reported as uncertain"
            ) from None
        return sent

    async def _send(self, chat_id: int | str, post: RenderedPost, thread: int | None) -> int:
        waits = 0
        while True:
            try:
                message = await self._bot.send_photo(
                    chat_id,
                    post.photo_url or "",
                    caption=post.html,
                    reply_markup=post.reply_markup(),
                    disable_notification=False,
                    message_thread_id=thread,
                )
            except RetryAfter as exc:
                waits += 1
                if waits > MAX_WAITS:
                    raise DeliveryError(classify(exc)) from exc
                await asyncio.sleep(retry_after_seconds(exc) + 0.5)
            except TelegramError as exc:
                raise DeliveryError(classify(exc)) from exc
            else:
                return message.message_id
