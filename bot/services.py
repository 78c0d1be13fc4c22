"""The services one newsdesk process uses, opened and closed in one place.

`open_services` is shared by the bot's `post_init` and by one-shot CLI commands, so `import`,
`publish` and `run` see the same store through the same code. Only `run` takes the instance lease.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from telegram import Bot

from bot.articles import ArticleService
from bot.clock import Clock, utc_now
from bot.config import Settings
from bot.desk import AdminServices, open_admin_services
from bot.domain.errors import LeaseLostError
from bot.ingest.pageworker import PageReader
from bot.insight.digest import DigestService
from bot.insight.reactions import ReactionIntake
from bot.insight.weekly import WeeklyReports
from bot.notify import AdminNotifier
from bot.outage import StoreOutageNotices
from bot.publishing.service import PublishingService
from bot.sources.fetcher import Fetcher
from bot.sources.service import SourceService
from bot.store_copy import refuse_unfinished_copy
from bot.subscribers import SubscriberServices, open_subscriber_services
from storage.database import Database
from storage.lease import LeaseRepository
from storage.sql import StoreConn

logger = logging.getLogger(__name__)

# The lease is refreshed this many times per time-to-live, so one late heartbeat never loses it.
HEARTBEATS_PER_TTL = 4


def heartbeat_seconds(settings: Settings) -> float:
    """How often the running bot refreshes its lease."""
    return settings.storage.lease_ttl_seconds / HEARTBEATS_PER_TTL


@dataclass
class Services:
    """Everything a handler or job may call, built once per process."""

    settings: Settings
    db: Database
    clock: Clock
    articles: ArticleService
    notifier: AdminNotifier
    publisher: PublishingService
    fetcher: Fetcher
    pages: PageReader
    sources: SourceService
    subscribers: SubscriberServices
    admin: AdminServices
    reactions: ReactionIntake
    digests: DigestService  # each channel's daily digest (the newsroom job, `newsdesk digest`)
    started_at: datetime
    weekly: WeeklyReports
    lease: LeaseRepository | None = field(default=None)
    # The running bot tells its editors when the store goes away and comes back.
    outage: StoreOutageNotices | None = field(default=None)
    # Set once another process took the lease over; `on_lease_lost` (the app's) stops the bot.
    lease_lost: LeaseLostError | None = field(default=None)
    on_lease_lost: Callable[[LeaseLostError], None] | None = field(default=None)

    async def heartbeat(self) -> None:
        """Keep our instance lease fresh (a job calls this); notice when it was taken over."""
        if self.lease is None or self.lease_lost is not None:
            return
        try:
            async with self.db.write() as conn:  # the fence notices a takeover first
                still_ours = await self.lease.on(conn).heartbeat(self.clock())
        except LeaseLostError:
            return  # `fence_writes` already reported it
        if not still_ours:
            await self.holds_lease()  # reports the loss, naming who took over

    async def holds_lease(self) -> bool:
        """Whether this process is still the bot; each newsroom job asks before it acts."""
        if self.lease is None:
            return True
        if self.lease_lost is not None:
            return False
        try:
            await self.lease.check_held()
        except LeaseLostError as exc:
            self._lose_lease(exc)
            return False
        return True

    async def fence_writes(self, conn: StoreConn) -> None:
        """Refuse every write transaction once the lease is someone else's."""
        if self.lease is None:
            return
        if self.lease_lost is not None:
            raise self.lease_lost
        try:
            # In the transaction's own connection: on PostgreSQL the check holds off a takeover
            # until this transaction ends.
            await self.lease.on(conn).check_held()
        except LeaseLostError as exc:
            self._lose_lease(exc)
            raise

    def _lose_lease(self, error: LeaseLostError) -> None:
        if self.lease_lost is not None:
            return
        self.lease_lost = error
        logger.error("%s", error)
        if self.on_lease_lost is not None:
            self.on_lease_lost(error)

    async def close(self) -> None:
        """Stop fetching, release the lease and close the store."""
        # Readers' last ⭐ presses are theirs, not the newsroom's: they are written even after
        # the lease was lost (the release below only ever deletes our own lease).
        self.db.fence = None
        try:
            await self.subscribers.close()  # flushes batched ⭐ presses and last-seen times
            await self.sources.aclose()
            await self.fetcher.aclose()
            await self.pages.aclose()
            if self.outage is not None:
                await self.outage.close()
            if self.lease is not None:
                async with self.db.write() as conn:
                    await self.lease.on(conn).release()
        finally:
            await self.db.close()


async def open_services(
    settings: Settings, bot: Bot, *, clock: Clock = utc_now, take_lease: bool
) -> Services:
    """Open the store (migrating it) and, for the bot, take the instance lease.

    Building the services starts nothing: jobs and background work begin in the app's
    `post_init`, so one-shot CLI commands can use the same services.
    """
    db = await Database.open(settings.storage)
    try:
        await refuse_unfinished_copy(db)
        lease: LeaseRepository | None = None
        if take_lease:
            lease = LeaseRepository(
                db.store, ttl=timedelta(seconds=settings.storage.lease_ttl_seconds)
            )
            async with db.write() as conn:
                await lease.on(conn).acquire(clock())
        subscribers = await open_subscriber_services(db, settings, clock)
    except BaseException:
        await db.close()  # a lease we took dies with this process: it is taken over at once
        raise
    started_at = clock()
    users = subscribers.users

    def editor_language(admin: int) -> Awaitable[str]:
        # Each editor reads notices in their own language; one never seen, in the site's.
        return users.known_language(admin, settings.site.language)

    notifier = AdminNotifier(bot, settings.telegram.admins, languages=editor_language)
    fetcher = Fetcher(settings.fetching)
    # Started on the first page read, killed on a page that overruns, closed in `close()`.
    pages = PageReader(settings.fetching.extract_timeout_seconds)
    publisher = PublishingService(settings, db, bot, notifier, clock)
    sources = SourceService(
        db,
        settings,
        fetcher,
        clock=clock,
        # Only the running bot tells the editors about a failing source: a one-shot
        # `newsdesk fetch` must not use up the one alert.
        notify_admins=notifier.tell if take_lease else None,
    )
    admin = open_admin_services(
        settings=settings,
        breaking=settings.breaking,
        alerts=settings.alerts,
        db=db,
        bot=bot,
        notifier=notifier,
        publisher=publisher,
        sources=sources,
        fetcher=fetcher,
        pages=pages,
        clock=clock,
        started_at=started_at,
    )
    services = Services(
        settings=settings,
        db=db,
        clock=clock,
        articles=ArticleService(db, clock),
        notifier=notifier,
        publisher=publisher,
        fetcher=fetcher,
        pages=pages,
        sources=sources,
        subscribers=subscribers,
        admin=admin,
        reactions=ReactionIntake(db, publisher),
        digests=DigestService(settings, db, publisher, notifier, clock),
        started_at=started_at,
        weekly=WeeklyReports(settings, db, bot, clock, languages=editor_language),
        lease=lease,
        outage=StoreOutageNotices(db.health, notifier) if take_lease else None,
    )
    if lease is not None:
        db.fence = services.fence_writes
    return services
