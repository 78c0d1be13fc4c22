"""Posting one article now, ahead of the routine queue: breaking news and an editor's /post.

Split from the publishing service (which drains the routine queues) because an editor's push
has its own rules: it may name the channels (the /breaking toggles, `/post <id> <channel>`),
it goes out while routine publishing is paused, and a refusal in one channel must reach the
editor rather than only the log — so each channel's outcome is returned, not just the first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.domain import Article
from bot.domain.deliveries import FailureKind
from bot.domain.errors import (
    ClaimLostError,
    DeliveryError,
    SendInterruptedError,
    UnreadableArticleError,
)
from bot.publishing.channel import SentPost
from bot.publishing.edition import Edition
from bot.publishing.uncertain import UncertainPosts
from storage.articles import ArticleRepository
from storage.database import Database
from storage.deliveries import DeliveryRepository

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelPost:
    """Where one post of an article landed."""

    channel: str
    chat_id: str
    sent: SentPost


@dataclass
class Pushed:
    """What a push did in each channel: the posts, and why the others got none."""

    posts: list[ChannelPost] = field(default_factory=list)
    failures: dict[str, DeliveryError | LookupError] = field(default_factory=dict)


class ImmediatePublisher:
    """Sends one article at once to the channels asked for, recording each delivery."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        uncertain: UncertainPosts,
        targets: Callable[[Article], list[Edition]],
    ) -> None:
        self._db, self._clock, self._uncertain, self._targets = db, clock, uncertain, targets

    async def load(self, article_id: int) -> Article:
        """The article; LookupError naming why it cannot be pushed."""
        try:
            article = await ArticleRepository(self._db.store).get(article_id)
        except UnreadableArticleError as exc:
            raise LookupError(f"article {article_id} cannot be read ({exc.reason})") from None
        if article is None:
            raise LookupError(f"article {article_id} does not exist")
        return article

    async def push(
        self,
        article_id: int,
        *,
        breaking: bool,
        editions: Sequence[Edition] | None = None,
    ) -> Pushed:
        """Post to `editions` (None: every channel that takes the article), one after another.

        A channel that refuses is reported in `failures`; the others still get the post.
        """
        article = await self.load(article_id)
        pushed = Pushed()
        for edition in self._targets(article) if editions is None else editions:
            try:
                pushed.posts.append(await self._one(edition, article, breaking=breaking))
            except (DeliveryError, LookupError) as exc:
                logger.error("article %s not posted to %s: %s", article_id, edition.name, exc)
                pushed.failures[edition.name] = exc
        return pushed

    async def _one(self, edition: Edition, article: Article, *, breaking: bool) -> ChannelPost:
        article_id, name = article.id, edition.name
        async with self._db.write() as conn:
            deliveries = DeliveryRepository(conn)
            await deliveries.ensure(article_id, channel=name, now=self._clock())
            if not await deliveries.claim(
                article_id,
                channel=name,
                now=self._clock(),
                repost=breaking,
                claimed_by=self._db.worker_id,
            ):
                raise LookupError(f"article {article_id} is being sent or was handled already")
        silent = None if breaking else edition.routine_silent(self._clock())
        try:
            sent, chat_id, post = await edition.articles.send(
                article, breaking=breaking, silent=silent
            )
        except ClaimLostError:
            raise LookupError(f"article {article_id} was taken by another send") from None
        except SendInterruptedError:
            if breaking:  # held for this push: only a push (the editor's again) posts it
                raise LookupError("the bot is stopping; push the article again") from None
            raise LookupError("the bot is stopping; the article waits in the queue") from None
        except DeliveryError as exc:
            async with self._db.write() as conn:
                deliveries = DeliveryRepository(conn)
                if exc.failure.kind is FailureKind.AMBIGUOUS:
                    await deliveries.mark_uncertain(
                        article_id, channel=name, error=str(exc), now=self._clock()
                    )
                elif breaking:
                    # A failed push must not go out later, silently, as a routine post: the
                    # editor who pushed it sees the error and decides (/retry).
                    await deliveries.skip(
                        article_id, f"breaking push failed: {exc}", now=self._clock(), channel=name
                    )
                else:
                    await deliveries.requeue(article_id, channel=name, now=self._clock())
            if exc.failure.kind is FailureKind.AMBIGUOUS:
                await self._uncertain.report(article_id, "uncertain_timeout")
            raise
        try:
            await edition.articles.record_posted(article, chat_id, sent, post)
        except SendInterruptedError:
            raise LookupError(
                f"article {article_id} was posted, but the bot stopped before the store took "
                "the record; it will be reported as uncertain"
            ) from None
        return ChannelPost(name, str(chat_id), sent)
