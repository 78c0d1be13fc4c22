"""SourceService: fetch the configured feeds, store their articles, keep each source's health.

One source is one unit of work: fetch (bounded by the fetcher's limits), parse in a worker
thread, then one short transaction storing its articles *and* its new state together. Sources
run concurrently under a small bound, so one slow or dead source never holds up the others, and
every failure is caught per source: it becomes that source's report line and back-off, never an
exception that ends the pass.

Publishing rules decided here: a source's first fetch marks what it stored as skipped (adding a
source never floods the channel); later, an entry older than `backlog_max_age_hours` is skipped
too; anything else is left without a delivery row for the publisher. A story already stored by
another configured source is left to that source, so two feeds carrying it do not take turns
rewriting it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.catalogue import DEFAULT_LANGUAGE, Compose
from bot.config import Settings
from bot.domain import SourceState, UpsertOutcome
from bot.domain.errors import IngestError
from bot.ingest.entries import ParsedFeed
from bot.ingest.feeds import parse_feed
from bot.sources.fetcher import Fetcher, FetchResult
from bot.sources.health import (
    ALERT_AFTER,
    after_failure,
    after_success,
    failure_alert,
    recovery_notice,
)
from bot.sources_settings import SourceSettings
from storage.articles import ArticleRepository
from storage.database import Database
from storage.deliveries import DeliveryRepository
from storage.sources import SourceStateRepository

logger = logging.getLogger(__name__)

# Tells the editors a plain-text message, written per language (`bot.notify.Compose`).
Notify = Callable[[Compose], Awaitable[None]]
DEFAULT_CONCURRENCY = 4


@dataclass
class SourceReport:
    """What one fetch of one source did."""

    name: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    error: str | None = None
    not_modified: bool = False

    @property
    def failed(self) -> bool:
        """True when the source could not be fetched or read."""
        return self.error is not None

    def line(self) -> str:
        """One line for `newsdesk fetch`."""
        if self.error is not None:
            return f"{self.name}: failed: {self.error}"
        note = " (not modified)" if self.not_modified else ""
        return (
            f"{self.name}: new {self.new}, updated {self.updated}, "
            f"unchanged {self.unchanged}{note}"
        )


class SourceService:
    """Polls sources; the CLI calls `fetch_all`, the job calls `poll_due`."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        fetcher: Fetcher,
        *,
        clock: Callable[[], datetime],
        notify_admins: Notify | None,
        rng: random.Random | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        alert_after: timedelta = ALERT_AFTER,
    ) -> None:
        self._db = db
        self._settings = settings
        self._fetcher = fetcher
        self._clock = clock
        self._notify = notify_admins
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self._alert_after = alert_after
        self._slots = asyncio.Semaphore(concurrency)
        self._running: dict[str, asyncio.Task[SourceReport]] = {}

    @property
    def sources(self) -> list[SourceSettings]:
        """The enabled sources."""
        return [source for source in self._settings.sources if source.enabled]

    async def fetch_all(self) -> list[SourceReport]:
        """Fetch every enabled source now, concurrently; one report per source, in config order."""
        return list(await asyncio.gather(*(self._run(s) for s in self.sources)))

    async def poll_due(self) -> int:
        """Start (without waiting) every source whose next attempt is due; return how many."""
        now = self._clock()
        states = {s.name: s for s in await SourceStateRepository(self._db.store).all()}
        started = 0
        for source in self.sources:
            state = states.get(source.name)
            due = state is None or state.next_attempt_at is None or state.next_attempt_at <= now
            if due and source.name not in self._running:
                self._running[source.name] = asyncio.create_task(self._run(source))
                started += 1
        return started

    async def aclose(self) -> None:
        """Cancel fetches still running (shutdown) and wait for them to end."""
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def states(self) -> list[SourceState]:
        """Every source's stored state (for /status)."""
        return await SourceStateRepository(self._db.store).all()

    async def _run(self, source: SourceSettings) -> SourceReport:
        try:
            async with self._slots:
                return await self.fetch_one(source)
        finally:
            self._running.pop(source.name, None)

    async def fetch_one(self, source: SourceSettings) -> SourceReport:
        """Fetch, parse and store one source, updating its state; never raises for its failures."""
        now = self._clock()
        state = await self._state(source)
        try:
            result = await self._fetcher.fetch(
                source.url,
                etag=state.etag if state.first_fetch_done else None,
                last_modified=state.last_modified if state.first_fetch_done else None,
            )
        except IngestError as exc:
            return await self._failed(source, state, str(exc), now)
        except Exception as exc:  # a fetcher bug must cost one source a back-off, not every poll
            logger.exception("unexpected error fetching source %s", source.name)
            return await self._failed(source, state, f"internal error: {exc!r}", now)
        return await self._ingest(source, state, result, now)

    async def ingest(self, source: SourceSettings, result: FetchResult) -> SourceReport:
        """Parse and store a body fetched elsewhere (the benchmark, a pushed feed)."""
        return await self._ingest(source, await self._state(source), result, self._clock())

    async def _state(self, source: SourceSettings) -> SourceState:
        state = await SourceStateRepository(self._db.store).get(source.name)
        return state or SourceState(name=source.name)

    async def _ingest(
        self, source: SourceSettings, state: SourceState, result: FetchResult, now: datetime
    ) -> SourceReport:
        report = SourceReport(source.name)
        try:
            parsed = await self._parse(source, state, result, now)
        except IngestError as exc:
            return await self._failed(source, state, str(exc), now)
        except Exception as exc:  # a parser bug must cost one source, not the whole pass
            logger.exception("unexpected error reading source %s", source.name)
            return await self._failed(source, state, f"internal error: {exc!r}", now)
        digest = hashlib.sha256(result.body).hexdigest() if not result.not_modified else None
        succeeded = after_success(
            state,
            now=now,
            interval=timedelta(seconds=source.interval_seconds),
            rng=self._rng,
            etag=result.etag if not result.not_modified else result.etag or state.etag,
            last_modified=result.last_modified or state.last_modified,
            content_sha256=digest or state.content_sha256,
            entry_count=len(parsed.drafts) if parsed is not None else state.entry_count,
        )
        notice = recovery_notice(state, now=now)
        if notice is not None:
            succeeded = replace(succeeded, alerted=not await self._tell(notice))
        if parsed is None:
            report.not_modified = result.not_modified
            report.unchanged = state.entry_count
            async with self._db.write() as conn:
                await SourceStateRepository(conn).save(succeeded)
        else:
            await self._store(source, parsed, report, before=state, after=succeeded, now=now)
        logger.info("%s", report.line())
        return report

    async def _parse(
        self, source: SourceSettings, state: SourceState, result: FetchResult, now: datetime
    ) -> ParsedFeed | None:
        """The parsed feed, or None when there is nothing new to read (304 or same bytes)."""
        if result.not_modified:
            return None
        same = hashlib.sha256(result.body).hexdigest() == state.content_sha256
        if same and state.first_fetch_done:
            return None  # servers without conditional GET often send identical bytes
        return await asyncio.to_thread(
            parse_feed,
            result.body,
            url=result.url,
            tz=self._settings.site.tz,
            now=now,
            source=source.name,
            category=source.category or None,
            content_type=result.content_type,
        )

    async def _store(
        self,
        source: SourceSettings,
        parsed: ParsedFeed,
        report: SourceReport,
        *,
        before: SourceState,
        after: SourceState,
        now: datetime,
    ) -> None:
        others = {s.name for s in self._settings.sources} - {source.name}
        backlog = timedelta(hours=self._settings.publishing.backlog_max_age_hours)
        async with self._db.write() as conn:
            articles = ArticleRepository(conn)
            deliveries = DeliveryRepository(conn)
            states = SourceStateRepository(conn)
            known = await states.known_articles([draft.guid for draft in parsed.drafts])
            fresh = [draft for draft in parsed.drafts if draft.guid not in known]
            for draft in parsed.drafts:
                existing = known.get(draft.guid)
                if existing is None:
                    continue
                if existing.source in others:
                    report.unchanged += 1  # another configured source carries this story
                    continue
                if draft.guid in parsed.undated:
                    # No date in the feed: keep the first-seen time rather than "now" again.
                    draft = draft.model_copy(update={"published_at": existing.published_at})  # noqa: PLW2901
                outcome = (await articles.upsert(draft, now=now)).outcome
                if outcome is UpsertOutcome.UPDATED:
                    report.updated += 1
                else:
                    report.unchanged += 1
            ids = await states.insert_new(fresh, now=now)
            report.new = len(fresh)
            for draft in fresh:
                reason = None
                if not before.first_fetch_done:
                    reason = f"first fetch of source {source.name}"
                elif draft.published_at < now - backlog:
                    reason = f"older than the backlog limit ({backlog} old at most)"
                if reason is not None:
                    await deliveries.mark_skipped(ids[draft.guid], reason, now=now)
            await states.save(after)

    async def _failed(
        self, source: SourceSettings, state: SourceState, error: str, now: datetime
    ) -> SourceReport:
        report = SourceReport(source.name, error=error)
        logger.warning("source %s failed: %s", source.name, error)
        failed = after_failure(
            state,
            now=now,
            interval=timedelta(seconds=source.interval_seconds),
            rng=self._rng,
            error=error,
        )
        alert = failure_alert(failed, now=now, alert_after=self._alert_after)
        if alert is not None:
            failed = replace(failed, alerted=await self._tell(alert))
        async with self._db.write() as conn:
            await SourceStateRepository(conn).save(failed)
        return report

    async def _tell(self, message: Compose) -> bool:
        if self._notify is None:
            return False  # no bot here (the CLI): leave the alert for the running bot to send
        try:
            await self._notify(message)
        except Exception:
            logger.exception("could not notify the admins: %s", message(DEFAULT_LANGUAGE))
            return False
        return True
