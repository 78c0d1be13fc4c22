"""Sending one claimed article: 429 waits, channel migrations, inline retries, the posted record.

The pass (`service`) decides *what* to post; this module gets one claimed article into the
channel and owns the channel-side state that sending depends on: which chat the channel is now
(a migration moves it) and why publishing is paused. While it waits (a 429, a back-off) nothing
is in flight, so the article goes back to `pending` for the wait and is claimed again after it:
a crash meanwhile must not leave it `sending`, which a restart would report as uncertain.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import timedelta

from bot import catalogue
from bot.channel_settings import ChannelSettings
from bot.clock import Clock
from bot.config import Settings
from bot.domain import Article, DeliveryState
from bot.domain.deliveries import FailureKind
from bot.domain.errors import (
    ClaimLostError,
    DeliveryError,
    SendInterruptedError,
    SlotWaitCancelledError,
)
from bot.durable import write_until_stored
from bot.publishing.channel import ChannelSender, SentPost, content_hash
from bot.rendering import CardOptions, RenderedPost, render_post
from storage.articles import ArticleRepository
from storage.database import Database
from storage.deliveries import DeliveryRepository
from storage.sql import StoreConn
from storage.state import StateRepository

logger = logging.getLogger(__name__)

INLINE_RETRIES = 4
BACKOFF_MAX_SECONDS = 300.0
# Per channel: "<key>.<channel name>". The unsuffixed keys are from before editions; the first
# configured channel adopts them at start (`adopt_unnamed_state`).
PAUSED_KEY = "publishing.paused_reason"
CHANNEL_KEY = "publishing.channel_id"


def backoff(attempt: int, base: float) -> float:
    """Exponential back-off with jitter (between half and all of the step), capped."""
    ceiling = min(BACKOFF_MAX_SECONDS, base * 2 ** max(attempt - 1, 0))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not cryptography


async def adopt_unnamed_state(db: Database, channel: str, clock: Clock) -> None:
    """The pause and migrated chat id kept before editions become `channel`'s."""
    async with db.write() as conn:
        state = StateRepository(conn)
        for key in (PAUSED_KEY, CHANNEL_KEY):
            value = await state.get(key)
            if value is not None:
                await state.put(f"{key}.{channel}", value, now=clock())
                await state.delete(key)


class ArticleSender:
    """Sends claimed articles to one channel and records where each landed."""

    def __init__(
        self,
        settings: Settings,
        channel: ChannelSettings,
        *,
        db: Database,
        sender: ChannelSender,
        clock: Clock,
        stopping: asyncio.Event,
    ) -> None:
        self._settings = settings
        self._channel = channel
        self._db = db
        self._sender = sender
        self._clock = clock
        self._stopping = stopping
        # Told (channel, seconds from the article's publication) of each post recorded.
        self.on_posted: Callable[[str, float], None] | None = None
        self._paused_key = f"{PAUSED_KEY}.{channel.name}"
        self._chat_key = f"{CHANNEL_KEY}.{channel.name}"
        language = catalogue.pick_language(channel.language)
        self._labels = {
            "breaking_label": catalogue.unmarked("breaking_label", language),
            "save_label": catalogue.unmarked("save_button", language),
            "read_more_label": catalogue.unmarked("read_more", language),
        }
        self._card = CardOptions(
            show_byline=channel.show_byline,
            show_photo=channel.show_photo,
            hashtags=channel.hashtags == "category",
            footer=channel.footer,
        )

    # --- channel state ---------------------------------------------------------------------

    async def chat_id(self) -> int | str:
        """The channel, following a migration if one happened."""
        moved = await StateRepository(self._db.store).get(self._chat_key)
        return int(moved) if moved else self._channel.chat_id

    async def paused_reason(self) -> str | None:
        """Why publishing to this channel is paused, or None."""
        return await StateRepository(self._db.store).get(self._paused_key)

    async def set_paused(self, reason: str | None) -> None:
        """Record why the channel refuses posts (None: it accepts them again)."""
        async with self._db.write() as conn:
            state = StateRepository(conn)
            if reason is None:
                await state.delete(self._paused_key)
            else:
                await state.put(self._paused_key, reason, now=self._clock())

    async def _follow_migration(self, old: str, new_chat_id: int) -> None:
        async with self._db.write() as conn:
            await StateRepository(conn).put(self._chat_key, str(new_chat_id), now=self._clock())
            await DeliveryRepository(conn).move_chat(old, str(new_chat_id))
        logger.warning("channel %s moved to %s; following it", self._channel.name, new_chat_id)

    def render(self, article: Article, *, breaking: bool = False) -> RenderedPost:
        """The channel post for an article, in the site's zone and the edition's language."""
        return render_post(
            article,
            tz=self._settings.site.tz,
            breaking=breaking,
            options=self._card,
            **self._labels,
        )

    # --- one send --------------------------------------------------------------------------

    async def send(
        self, article: Article, *, breaking: bool, silent: bool | None = None
    ) -> tuple[SentPost, int | str, RenderedPost]:
        """Send a claimed article, waiting out 429s and retrying transient errors inline.

        `silent` None: the channel's own setting; breaking news is always loud.
        """
        post = self.render(article, breaking=breaking)
        quiet = self._channel.silent if silent is None else silent
        quiet = quiet and not breaking
        thread = self._channel.topic_for(article.category)
        tries = 0
        while True:
            tries += 1
            chat_id = await self.chat_id()
            try:
                sent = await self._sender.post(
                    chat_id,
                    post,
                    article_url=article.url,
                    silent=quiet,
                    urgent=breaking,
                    thread_id=thread,
                    stopping=self._stopping,
                )
            except SendInterruptedError:
                # Stopped while waiting for the channel's slot: nothing went out, so the article
                # is pending again (held for a push), never left `sending` to become uncertain.
                await self._release(article.id, held=breaking)
                raise
            except SlotWaitCancelledError:
                # Cancelled there (Ctrl-C on `publish`): the same, then the cancellation goes on.
                await asyncio.shield(self._release(article.id, held=breaking))
                raise
            except DeliveryError as exc:
                failure = exc.failure
                if failure.kind is FailureKind.RATE_LIMITED:
                    logger.warning("429 from Telegram: waiting %.0f s", failure.retry_after)
                    await self._wait_released(article.id, failure.retry_after + 0.5, held=breaking)
                    article, post = await self._rerender(article, breaking=breaking)
                    continue
                if failure.kind is FailureKind.MIGRATED and failure.new_chat_id is not None:
                    await self._follow_migration(str(chat_id), failure.new_chat_id)
                    continue
                if failure.kind is FailureKind.TRANSIENT and tries <= INLINE_RETRIES:
                    base = self._settings.publishing.retry_backoff_seconds
                    await self._wait_released(article.id, backoff(tries, base), held=breaking)
                    article, post = await self._rerender(article, breaking=breaking)
                    continue
                raise
            return sent, chat_id, post

    async def _rerender(self, article: Article, *, breaking: bool) -> tuple[Article, RenderedPost]:
        """After a wait the article may have been corrected: send what it says now."""
        fresh = await ArticleRepository(self._db.store).get(article.id) or article
        return fresh, self.render(fresh, breaking=breaking)

    async def _wait_released(self, article_id: int, seconds: float, *, held: bool) -> None:
        """Wait with the article back in `pending`, then claim it again.

        Nothing is in flight during the wait, so a crash meanwhile must not leave the article
        `sending` (which a restart would report as uncertain): it stays pending, due after the
        wait — or, for a breaking push (`held`), held for that push, so that no routine pass
        (of this process or another) posts it meanwhile as a routine post. Raises
        `SendInterruptedError` when the bot stops, `ClaimLostError` if someone else took it.
        """
        await self._release(article_id, held=held, seconds=seconds)
        if not await self._sleep(seconds):
            raise SendInterruptedError
        name = self._channel.name
        async with self._db.write() as conn:
            if not await DeliveryRepository(conn).claim(
                article_id, channel=name, now=self._clock(), claimed_by=self._db.worker_id
            ):
                raise ClaimLostError

    async def _release(self, article_id: int, *, held: bool, seconds: float = 0.0) -> None:
        """Our `sending` claim back to pending, due in `seconds` (held for a push)."""
        async with self._db.write() as conn:
            await DeliveryRepository(conn).requeue(
                article_id,
                now=self._clock(),
                channel=self._channel.name,
                only_from=(DeliveryState.SENDING,),
                retry_at=self._clock() + timedelta(seconds=seconds),
                held=held,
            )

    async def _sleep(self, seconds: float) -> bool:
        """Sleep unless stopping; False means stop now."""
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            return True
        return False

    async def record_posted(
        self, article: Article, chat_id: int | str, sent: SentPost, post: RenderedPost
    ) -> None:
        """Store the message id and content hash of a post that went out.

        The post exists, so the record must land: it is retried while the store is unreachable
        (`write_until_stored`), and `SendInterruptedError` means the bot stopped first.
        """
        name = self._channel.name
        article_id = article.id
        now = self._clock()

        async def mark(conn: StoreConn) -> bool:
            return await DeliveryRepository(conn).mark_posted(
                article_id,
                channel=name,
                chat_id=str(chat_id),
                message_id=sent.message_id,
                has_photo=sent.has_photo,
                content_hash=content_hash(post),
                now=now,
            )

        what = f"the post of article {article_id} (message {sent.message_id} in {chat_id})"
        recorded, tries = await write_until_stored(
            self._db, mark, stopping=self._stopping, what=what
        )
        if not recorded and tries > 1:  # a commit whose answer was lost may have landed
            delivery = await DeliveryRepository(self._db.store).get(article_id, name)
            recorded = delivery is not None and delivery.message_id == sent.message_id
        if recorded and self.on_posted is not None:
            self.on_posted(name, (now - article.published_at).total_seconds())
        if not recorded:  # retracted or skipped by an editor while the message was in flight
            logger.error(
                "article %s was withdrawn while being sent; its post is message %s in %s and "
                "must be deleted by hand",
                article_id,
                sent.message_id,
                chat_id,
            )
