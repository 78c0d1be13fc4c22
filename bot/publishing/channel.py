"""Sending one rendered post to the channel, with the fallbacks a news desk expects.

A refused photo must not lose the article: the same card goes out as text with the link
preview on the article. Markup Telegram cannot parse is a rendering bug, logged loudly, and the
post goes out once as plain text. Everything else is raised as a classified `DeliveryError`
for the service to decide on.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass

from telegram import Bot, InputMediaPhoto, LinkPreviewOptions, Message
from telegram.error import TelegramError

from bot.domain.deliveries import Failure, FailureKind
from bot.domain.errors import DeliveryError, SlotWaitCancelledError
from bot.publishing.failures import classify
from bot.publishing.pacing import ChannelPacer
from bot.rendering import RenderedPost

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SentPost:
    """What the channel now shows for an article."""

    message_id: int
    has_photo: bool


def content_hash(post: RenderedPost) -> str:
    """Fingerprint of what a post shows, to tell whether a correction needs an edit."""
    return hashlib.sha256(f"{post.photo_url}\n{post.html}".encode()).hexdigest()


def _failure(exc: TelegramError) -> DeliveryError:
    failure = classify(exc)
    return DeliveryError(failure)


class ChannelSender:
    """Posts and edits messages in one channel, each send through the pacer."""

    def __init__(self, bot: Bot, pacer: ChannelPacer) -> None:
        self._bot = bot
        self._pacer = pacer

    async def post(
        self,
        chat_id: int | str,
        post: RenderedPost,
        *,
        article_url: str | None,
        silent: bool,
        urgent: bool = False,
        thread_id: int | None = None,
        stopping: asyncio.Event | None = None,
    ) -> SentPost:
        """Send the post (into forum topic `thread_id` if given); raise `DeliveryError` for what
        the fallbacks cannot fix, `SendInterruptedError` if `stopping` is set while it waits for
        its slot."""
        if post.photo_url is not None:
            try:
                message = await self._send(
                    chat_id,
                    post,
                    silent=silent,
                    urgent=urgent,
                    thread_id=thread_id,
                    stopping=stopping,
                )
                return SentPost(message.message_id, has_photo=True)
            except DeliveryError as exc:
                if exc.failure.kind is not FailureKind.BAD_PHOTO:
                    raise
                logger.warning("photo refused (%s); posting as text", exc.failure.description)
            post = post.as_text_post()
        preview = (
            LinkPreviewOptions(is_disabled=False, url=article_url, prefer_large_media=True)
            if article_url
            else LinkPreviewOptions(is_disabled=True)
        )
        message = await self._send(
            chat_id,
            post,
            silent=silent,
            urgent=urgent,
            preview=preview,
            thread_id=thread_id,
            stopping=stopping,
        )
        return SentPost(message.message_id, has_photo=False)

    async def _send(
        self,
        chat_id: int | str,
        post: RenderedPost,
        *,
        silent: bool,
        urgent: bool,
        preview: LinkPreviewOptions | None = None,
        plain: bool = False,
        thread_id: int | None = None,
        stopping: asyncio.Event | None = None,
    ) -> Message:
        try:
            await self._pacer.acquire(urgent=urgent, stopping=stopping)
        except SlotWaitCancelledError:
            raise
        except asyncio.CancelledError as exc:  # nothing sent yet: the caller may say so
            raise SlotWaitCancelledError(*exc.args) from exc
        text = post.plain if plain else post.html
        parse_mode = None if plain else "HTML"
        try:
            if post.photo_url is not None:
                return await self._bot.send_photo(
                    chat_id,
                    post.photo_url,
                    caption=text,
                    parse_mode=parse_mode,
                    reply_markup=post.reply_markup(),
                    disable_notification=silent,
                    message_thread_id=thread_id,
                )
            return await self._bot.send_message(
                chat_id,
                text,
                parse_mode=parse_mode,
                reply_markup=post.reply_markup(),
                disable_notification=silent,
                link_preview_options=preview,
                message_thread_id=thread_id,
            )
        except TelegramError as exc:
            error = _failure(exc)
            if error.failure.kind is FailureKind.BAD_MARKUP and not plain:
                logger.error(
                    "rendering bug: Telegram could not parse the post's HTML (%s); "
                    "sending it once as plain text",
                    error.failure.description,
                )
                return await self._send(
                    chat_id,
                    post,
                    silent=silent,
                    urgent=urgent,
                    preview=preview,
                    plain=True,
                    thread_id=thread_id,
                )
            raise error from exc

    async def edit(
        self, chat_id: int | str, message_id: int, post: RenderedPost, *, has_photo: bool
    ) -> None:
        """Rewrite a posted message to show `post`; "not modified" counts as done.

        A photo post gets its photo and caption replaced together (editMessageMedia), so a
        corrected image shows too; a text post cannot gain a photo, so only its text changes.
        """
        await self._pacer.acquire()
        try:
            if has_photo and post.photo_url is not None:
                await self._bot.edit_message_media(
                    InputMediaPhoto(post.photo_url, caption=post.html, parse_mode="HTML"),
                    chat_id,
                    message_id,
                    reply_markup=post.reply_markup(),
                )
            elif has_photo:
                await self._bot.edit_message_caption(
                    chat_id, message_id, caption=post.html, reply_markup=post.reply_markup()
                )
            else:
                await self._bot.edit_message_text(
                    post.as_text_post().html,
                    chat_id,
                    message_id,
                    reply_markup=post.reply_markup(),
                )
        except TelegramError as exc:
            error = _failure(exc)
            if error.failure.kind is not FailureKind.NOT_MODIFIED:
                raise error from exc


__all__ = ["ChannelSender", "Failure", "SentPost", "content_hash"]
