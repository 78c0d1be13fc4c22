"""Posts Telegram may or may not have made: told to the editors once, decided by them.

A read timeout or a dropped connection after the request left, or a crash during the call,
leaves no way for the bot to know whether the post exists. Reposting could double it and
dropping could lose it, so a person decides, from buttons under the alert.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import catalogue
from bot.callbacks import UncertainDecision
from bot.clock import Clock
from bot.domain import DeliveryState
from bot.domain.errors import UnreadableArticleError
from bot.notify import AdminNotifier
from bot.rendering.text import escape_html
from storage.articles import ArticleRepository
from storage.database import Database
from storage.deliveries import DeliveryRepository


class UncertainPosts:
    """Reports uncertain posts and applies the editors' decisions."""

    def __init__(self, db: Database, notifier: AdminNotifier, clock: Clock) -> None:
        self._db = db
        self._notifier = notifier
        self._clock = clock

    async def report(self, article_id: int, why: catalogue.EditorKey) -> None:
        """Tell the editors, with buttons to decide; remember that they were told."""
        try:
            stored = await ArticleRepository(self._db.store).get(article_id)
        except UnreadableArticleError:
            stored = None  # the site broke the row meanwhile: the alert still goes out

        def compose(language: str) -> str:
            title = (
                escape_html(stored.title)
                if stored
                else catalogue.phrase("uncertain_untitled", language, id=article_id)
            )
            reason = catalogue.phrase(
                why,
                language,
            )
            return catalogue.text(
                "notice_uncertain", language, why=reason, title=title, id=article_id
            )

        def markup(language: str) -> InlineKeyboardMarkup:
            again = catalogue.text("button_uncertain_again", language)
            done = catalogue.text("button_uncertain_done", language)
            return InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            again,
                            callback_data=UncertainDecision(
                                post_again=True, article_id=article_id
                            ).data,
                        ),
                        InlineKeyboardButton(
                            done,
                            callback_data=UncertainDecision(
                                post_again=False, article_id=article_id
                            ).data,
                        ),
                    ]
                ]
            )

        told = await self._notifier.send(compose, markup=markup)
        if told:
            async with self._db.write() as conn:
                await DeliveryRepository(conn).mark_reported(article_id, now=self._clock())

    async def report_unreported(self, why: catalogue.EditorKey) -> None:
        """Repeat alerts that a crash or a refused message kept from the editors."""
        for article_id in await DeliveryRepository(self._db.store).unreported_uncertain():
            await self.report(article_id, why)

    async def decide(self, article_id: int, *, post_again: bool, chat_ids: dict[str, str]) -> bool:
        """Requeue the article's uncertain posts, or record them as posted (in every channel);
        False if none is uncertain. `chat_ids` are the channels' chats by name.

        Editors decide through `ControlService.decide_uncertain`, which checks and audits.
        """
        uncertain = (DeliveryState.UNCERTAIN,)
        async with self._db.write() as conn:
            deliveries = DeliveryRepository(conn)
            if post_again:
                return await deliveries.requeue(article_id, now=self._clock(), only_from=uncertain)
            done = False
            for delivery in await deliveries.all_for(article_id):
                if delivery.state is not DeliveryState.UNCERTAIN:
                    continue
                # One conditional write: two editors pressing both buttons cannot both win.
                done |= await deliveries.mark_posted(
                    article_id,
                    channel=delivery.channel,
                    chat_id=chat_ids.get(delivery.channel, delivery.chat_id or ""),
                    message_id=None,
                    has_photo=False,
                    content_hash="",
                    now=self._clock(),
                    from_state=DeliveryState.UNCERTAIN,
                )
            return done
