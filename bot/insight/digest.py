"""The daily digest: once a day per channel, its top stories of the day as one silent post.

At `digest_at` (site zone) the newsroom job makes each channel's digest of the posts it got
since local midnight, ranked by saves + reactions, then recency. Exactly once per local day
and channel, across restarts, leader changes and a `newsdesk digest` typed meanwhile: the day
is claimed in `insight_sends` (a committed conditional insert) before the Bot API call, and
whoever loses the claim sends nothing. A crash after the claim leaves the row `sending`; the
next start turns it `uncertain` and tells the editors, and it is never sent again. A bot that
was down at `digest_at` sends it late when it comes back the same local day; after midnight
that day is gone.

A channel an editor paused (/pause), or that refuses posts (the publisher paused it), gets no
digest while paused: the job waits without claiming, so the digest goes out late if publishing
resumes the same day. `newsdesk digest`
is an editor's deliberate act, like /post: it goes out regardless of the pause. A digest is
not news, so it is always posted without sound.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, time
from functools import partial

from bot.channel_settings import DIGEST_MIN, ChannelSettings
from bot.clock import Clock
from bot.config import Settings
from bot.domain.deliveries import FailureKind
from bot.domain.errors import DeliveryError
from bot.domain.insight import InsightSend, PostStats, SendState
from bot.insight.digest_outcome import (
    KIND,
    DigestResult,
    failed_notice,
    interrupted_notice,
    uncertain_notice,
)
from bot.insight.digest_text import rank, render_digest
from bot.notify import AdminNotifier
from bot.publishing.sending import INLINE_RETRIES, backoff
from bot.publishing.service import EDITOR_PAUSED_KEY, PublishingService, channel_pause_key
from bot.rendering import RenderedPost
from storage.database import Database
from storage.insight import InsightRepository
from storage.insight_sends import InsightSendRepository
from storage.state import StateRepository

logger = logging.getLogger(__name__)

MAX_WAITS = 3  # 429s waited out before the day's digest is given up


class DigestService:
    """Makes each channel's daily digest, exactly once per local day."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        publisher: PublishingService,
        notifier: AdminNotifier,
        clock: Clock,
    ) -> None:
        self._settings = settings
        self._db = db
        self._publisher = publisher
        self._notifier = notifier
        self._clock = clock
        self._tz = settings.site.tz

    # --- lifecycle and the job -------------------------------------------------------------

    async def start(self) -> list[InsightSend]:
        """Sends a crash left half-done become `uncertain`, and the editors are told (at start,
        under the lease, before any new claim)."""
        async with self._db.write() as conn:
            interrupted = await InsightSendRepository(conn).interrupted_to_uncertain(
                now=self._clock()
            )
        for send in interrupted:
            logger.warning(
                "%s for %s (%s) was interrupted: uncertain", send.kind, send.target, send.period
            )
            await self._notifier.send(partial(interrupted_notice, send))
        return interrupted

    async def run_due(self) -> list[DigestResult]:
        """Make every digest that is due now and not yet claimed today (the newsroom job)."""
        done = []
        now = self._clock()
        local = now.astimezone(self._tz)
        for channel in self._settings.channels:
            due = channel.digest_time
            if due is None or local.time().replace(tzinfo=None) < due:
                continue
            sends = InsightSendRepository(self._db.store)
            if await sends.get(KIND, channel.name, local.date().isoformat()) is not None:
                continue
            done.append(await self.make(channel.name, scheduled=True))
        return done

    # --- one channel -----------------------------------------------------------------------

    def channel(self, name: str) -> ChannelSettings:
        """A configured channel by name; KeyError if there is none."""
        return self._publisher.edition(name).settings

    async def preview(self, name: str) -> tuple[RenderedPost | None, int]:
        """Today's digest as it would be posted now (None under DIGEST_MIN stories), and how
        many stories were posted today; writes nothing."""
        channel = self.channel(name)
        day, stories = await self._today(channel)
        if len(stories) < DIGEST_MIN:
            return None, len(stories)
        ranked = rank(stories, channel.digest_size)
        return await self._render(channel, day, ranked), len(stories)

    async def make(self, name: str, *, scheduled: bool = False) -> DigestResult:
        """Claim today's digest for the channel, then post it (or skip it, saying why)."""
        channel = self.channel(name)
        day, stories = await self._today(channel)
        period = day.isoformat()
        if scheduled and (paused := await self._paused(name)):
            logger.debug("digest for %s waits: %s", name, paused)
            return DigestResult(name, day, None, detail=paused)
        few = len(stories) < DIGEST_MIN
        detail = f"only {len(stories)} stories posted today" if few else None
        async with self._db.write() as conn:
            sends = InsightSendRepository(conn)
            if not await sends.claim(
                KIND, name, period, now=self._clock(), claimed_by=self._db.worker_id
            ):
                earlier = await sends.get(KIND, name, period)
                state = earlier.state if earlier else None
                mid = earlier.message_id if earlier else None
                why = earlier.detail if earlier else None
                return DigestResult(name, day, state, message_id=mid, detail=why, before=True)
            if few:  # claimed and settled at once: nothing goes out today
                await sends.finish(
                    KIND, name, period, SendState.SKIPPED, now=self._clock(), detail=detail
                )
        if few:
            return DigestResult(name, day, SendState.SKIPPED, len(stories), detail=detail)
        ranked = rank(stories, channel.digest_size)
        return await self._post(channel, day, ranked)

    async def _post(
        self, channel: ChannelSettings, day: date, ranked: list[PostStats]
    ) -> DigestResult:
        """Send the claimed digest and record how it ended."""
        name, period = channel.name, day.isoformat()
        state, message_id, detail = SendState.SENT, None, None
        try:
            message_id = await self._send(channel, await self._render(channel, day, ranked))
        except DeliveryError as exc:
            ambiguous = exc.failure.kind is FailureKind.AMBIGUOUS
            state = SendState.UNCERTAIN if ambiguous else SendState.SKIPPED
            said = exc.failure.description
            detail = (
                f"Telegram did not answer in time: {said}"
                if ambiguous
                else f"Telegram refused it: {said}"
            )
        async with self._db.write() as conn:
            await InsightSendRepository(conn).finish(
                KIND,
                name,
                period,
                state,
                now=self._clock(),
                message_id=message_id,
                detail=detail,
            )
        if state is SendState.UNCERTAIN:
            await self._notifier.send(partial(uncertain_notice, name, day))
        elif state is SendState.SKIPPED:
            await self._notifier.send(partial(failed_notice, name, day, detail or ""))
        return DigestResult(name, day, state, len(ranked), message_id, detail)

    async def _send(self, channel: ChannelSettings, post: RenderedPost) -> int:
        """Post through the channel's own sender (its pace, the plain-text fallback), waiting
        out 429s and retrying what surely did not go out; silent, into the default topic."""
        edition = self._publisher.edition(channel.name)
        waits = tries = 0
        while True:
            chat_id = await self._publisher.chat_id(channel.name)
            try:
                sent = await edition.sender.post(
                    chat_id,
                    post,
                    article_url=None,
                    silent=True,
                    thread_id=channel.default_topic,
                )
            except DeliveryError as exc:
                failure = exc.failure
                if failure.kind is FailureKind.RATE_LIMITED and waits < MAX_WAITS:
                    waits += 1
                    logger.warning(
                        "429 on the digest for %s: waiting %.0f s",
                        channel.name,
                        failure.retry_after,
                    )
                    await asyncio.sleep(failure.retry_after + 0.5)
                    continue
                if failure.kind is FailureKind.TRANSIENT and tries < INLINE_RETRIES:
                    tries += 1
                    await asyncio.sleep(
                        backoff(tries, self._settings.publishing.retry_backoff_seconds)
                    )
                    continue
                raise
            return sent.message_id

    # --- reading ---------------------------------------------------------------------------

    async def _today(self, channel: ChannelSettings) -> tuple[date, list[PostStats]]:
        """The local day, and the channel's posts still standing from its midnight to now."""
        now = self._clock()
        day = now.astimezone(self._tz).date()
        midnight = datetime.combine(day, time(), tzinfo=self._tz)
        insight = InsightRepository(self._db.store)
        stories = [
            post
            async for post in insight.posts(since=midnight, until=now, channel=channel.name)
            if not post.retracted and post.message_id is not None
        ]
        return day, stories

    async def _render(
        self, channel: ChannelSettings, day: date, ranked: list[PostStats]
    ) -> RenderedPost:
        chat = str(await self._publisher.chat_id(channel.name))
        return render_digest(ranked, language=channel.language, day=day, chat=chat)

    async def _paused(self, name: str) -> str | None:
        """Why the job must not post to this channel now, or None: an editor paused it (or
        everything), or the publisher paused it because Telegram refuses posts there (it
        resumes by itself once a post goes through, and the digest follows, late)."""
        state = StateRepository(self._db.store)
        editor = await state.get(EDITOR_PAUSED_KEY) or await state.get(channel_pause_key(name))
        if editor is not None:
            return f"paused by an editor: {editor}"
        lost = await self._publisher.edition(name).articles.paused_reason()
        return f"the channel refuses posts: {lost}" if lost is not None else None
