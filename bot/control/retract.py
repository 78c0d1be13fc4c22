"""RetractionService: `/retract <id>` asks first, then deletes (and unpins) the channel post.

The article is marked retracted in the same transaction that makes sure it is never posted
(again), *before* the post is deleted: if Telegram refuses the deletion, readers' ⭐ and lists
already treat the story as gone, and the editor is told to delete the post by hand.
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from bot import catalogue
from bot.alerts.service import AlertService
from bot.breaking.pins import PinService
from bot.callbacks import RetractDecision
from bot.channel_settings import chat_ref
from bot.clock import Clock
from bot.config import Settings
from bot.control.audit import AuditTrail
from bot.control.editors import Actor, Editors, Reply, buttons, esc, when
from bot.domain import DeliveryState
from bot.rendering.text import single_line, truncate
from storage.articles import ArticleRepository
from storage.breaking import BreakingPostRepository
from storage.database import Database
from storage.deliveries import DeliveryRepository

logger = logging.getLogger(__name__)

# A line of the retraction's report, as a catalogue key and its values.
Outcome = tuple[catalogue.EditorKey, dict[str, object]]


class RetractionService:
    """Takes a story back: out of the channel, out of every subscriber list."""

    def __init__(
        self,
        *,
        db: Database,
        bot: Bot,
        settings: Settings,
        alerts: AlertService,
        pins: PinService,
        audit: AuditTrail,
        editors: Editors,
        clock: Clock,
    ) -> None:
        self._db, self._bot, self._settings = db, bot, settings
        self._alerts, self._pins, self._audit = alerts, pins, audit
        self._editors, self._clock = editors, clock

    async def ask(self, actor: Actor, article_id: int) -> Reply:
        """The confirmation question, with what would be deleted."""
        self._editors.check(actor)
        language = actor.language
        article = await ArticleRepository(self._db.store).get(article_id)
        if article is None:
            return Reply(catalogue.text("no_article", language, id=article_id))
        if await BreakingPostRepository(self._db.store).retracted_at(article_id) is not None:
            return Reply(catalogue.text("retract_already", language, id=article_id))
        records = await DeliveryRepository(self._db.store).all_for(article_id)
        if any(record.state is DeliveryState.SENDING for record in records):
            return Reply(catalogue.text("article_sending_later", language, id=article_id))
        title = esc(truncate(single_line(article.title), 200))
        posted = [record for record in records if record.state is DeliveryState.POSTED]
        delivery = posted[0] if posted else None
        if delivery is not None:
            at = when(delivery.posted_at, self._settings.site.tz, language)
            question = catalogue.text(
                "retract_ask_posted", language, id=article_id, title=title, when=at
            )
        else:
            question = catalogue.text("retract_ask_unposted", language, id=article_id, title=title)
        return Reply(
            question,
            buttons(
                (
                    catalogue.text("button_retract", language),
                    RetractDecision(confirm=True, article_id=article_id),
                ),
                (
                    catalogue.text("button_keep", language),
                    RetractDecision(confirm=False, article_id=article_id),
                ),
            ),
        )

    async def keep(self, actor: Actor, article_id: int) -> Reply:
        """The editor changed their mind."""
        self._editors.check(actor)
        return Reply(
            catalogue.text("retract_kept", actor.language, id=article_id), close_question=True
        )

    async def confirm(self, actor: Actor, article_id: int) -> Reply:
        """Mark retracted, stop its alerts, unpin and delete the channel post."""
        self._editors.check(actor)
        language = actor.language
        records = await DeliveryRepository(self._db.store).all_for(article_id)
        if any(record.state is DeliveryState.SENDING for record in records):
            # The post may land any moment: retracting now would leave it in the channel.
            return Reply(catalogue.text("article_sending_later", language, id=article_id))
        pinned = {
            post.channel for post in await BreakingPostRepository(self._db.store).posts(article_id)
        }
        async with self._db.write() as conn:
            done = await BreakingPostRepository(conn).retract(
                article_id, reason=f"retracted by {actor.name}", now=self._clock()
            )
        if not done:
            return Reply(
                catalogue.text("retract_already", language, id=article_id), close_question=True
            )
        await self._alerts.cancel_for_article(article_id)
        outcomes: list[Outcome] = [("retract_done", {"id": article_id})]
        chats = {channel.name: channel.chat for channel in self._settings.channels}
        for delivery in records:  # every channel's post goes
            if delivery.state is not DeliveryState.POSTED:
                continue
            if delivery.message_id:
                chat_id = delivery.chat_id or chats.get(delivery.channel, "")
                was_pinned = delivery.channel in pinned
                outcomes.append(await self._delete(chat_id, delivery.message_id, was_pinned))
            else:
                outcomes.append(("retract_post_unknown", {}))
        for chat_id, message_id in await DeliveryRepository(self._db.store).superseded_posts(
            article_id
        ):
            outcomes.append(await self._delete(chat_id, message_id, was_pinned=False))
        # The audit log is one record for every reader: English; the editor reads their own.
        logged = [catalogue.text(key, catalogue.DEFAULT_LANGUAGE, **v) for key, v in outcomes]
        await self._audit.record(actor, "retract", f"article {article_id}", " ".join(logged))
        lines = [catalogue.text(key, language, **values) for key, values in outcomes]
        return Reply("\n".join(lines), close_question=True)

    async def _delete(self, chat_id: str, message_id: int, was_pinned: bool) -> Outcome:
        """Unpin and delete one channel post; the text that tells the editor how it went."""
        try:
            if was_pinned:
                await self._pins.unpin(chat_id, message_id)
            await self._bot.delete_message(chat_ref(chat_id), message_id)
        except TelegramError as exc:
            if "not found" in exc.message.lower():
                return "retract_post_gone", {}
            logger.warning("could not delete post %s: %s", message_id, exc.message)
            return "retract_delete_failed", {"error": esc(exc.message)}
        return "retract_post_deleted", {}
