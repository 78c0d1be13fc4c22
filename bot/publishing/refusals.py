"""A routine post Telegram refused: uncertain, channel lost, or failed and retried later.

Split from the publishing service, which drains the queues; this decides what a refusal means
for the record and for the channel: an ambiguous timeout is reported to the editors, a lost
channel pauses that channel alone (it resumes by itself when a post gets through), anything
else is retried with back-off until MAX_ATTEMPTS for a permanent refusal.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot import catalogue
from bot.clock import Clock
from bot.config import Settings
from bot.domain import Article, Delivery
from bot.domain.deliveries import FailureKind
from bot.domain.errors import DeliveryError
from bot.notify import AdminNotifier
from bot.publishing.edition import Edition
from bot.publishing.report import PassReport
from bot.publishing.sending import backoff
from bot.publishing.uncertain import UncertainPosts
from bot.rendering.text import escape_html
from storage.database import Database
from storage.deliveries import DeliveryRepository

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


class RoutineFailures:
    """Records a refused routine post and says whether the channel's turn goes on."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        notifier: AdminNotifier,
        clock: Clock,
        uncertain: UncertainPosts,
    ) -> None:
        self._settings, self._db, self._notifier = settings, db, notifier
        self._clock, self._uncertain = clock, uncertain

    async def failed(
        self,
        edition: Edition,
        delivery: Delivery,
        article: Article,
        exc: DeliveryError,
        report: PassReport,
    ) -> bool:
        now, name, kind, error = self._clock(), edition.name, exc.failure.kind, str(exc)
        if kind is FailureKind.AMBIGUOUS:
            async with self._db.write() as conn:
                await DeliveryRepository(conn).mark_uncertain(
                    article.id, channel=name, error=error, now=now
                )
            report.uncertain.append(article.id)
            await self._uncertain.report(article.id, "uncertain_timeout")
            return True
        if kind is FailureKind.CHANNEL_LOST:
            async with self._db.write() as conn:
                await DeliveryRepository(conn).requeue(article.id, channel=name, now=now)
            if await edition.articles.paused_reason() is None:
                await edition.articles.set_paused(error)
                channel = escape_html(str(await edition.articles.chat_id()))
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
        async with self._db.write() as conn:
            await DeliveryRepository(conn).mark_failed(
                article.id, channel=name, error=error, retry_at=retry_at, now=now
            )
        report.failed.append(article.id)
        logger.error("article %s not posted to %s (%s): %s", article.id, name, kind.value, error)
        # A transient failure that outlived the inline retries: the channel is down, stop here.
        return kind is FailureKind.PERMANENT
