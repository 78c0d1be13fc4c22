"""The services one newsdesk process uses, opened and closed in one place.

`open_services` is shared by the bot's `post_init` and by one-shot CLI commands, so `import`,
`publish` and `run` see the same store through the same code. Only `run` takes the instance lease
(or follows its holder, bot.leadership).
"""

from __future__ import annotations

from collections.abc import Awaitable
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
from bot.leadership import Leadership
from bot.notify import AdminNotifier
from bot.outage import StoreOutageNotices
from bot.publishing.service import PublishingService
from bot.sources.fetcher import Fetcher
from bot.sources.service import SourceService
from bot.store_copy import refuse_unfinished_copy
from bot.subscribers import SubscriberServices, open_subscriber_services
from storage.database import Database, newsroom_writes
from storage.lease import LeaseRepository

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
    leadership: Leadership | None = field(default=None)
    # The running bot tells its editors when the store goes away and comes back.
    outage: StoreOutageNotices | None = field(default=None)

    @property
    def lease(self) -> LeaseRepository | None:
        """The instance lease this process competes for (`run` only)."""
        return self.leadership.lease if self.leadership is not None else None

    @property
    def lease_lost(self) -> LeaseLostError | None:
        """Set (SQLite) once another process took the lease over: the bot stops, exit 3."""
        return self.leadership.lost if self.leadership is not None else None

    @property
    def leading(self) -> bool:
        """Whether this process runs the newsroom now (a one-shot command runs its own)."""
        return self.leadership is None or self.leadership.leading

    async def heartbeat(self) -> None:
        """Keep our worker row and lease fresh (a job calls this); a follower tries to lead."""
        if self.leadership is not None:
            await self.leadership.heartbeat()

    async def holds_lease(self) -> bool:
        """Whether this process runs the newsroom now; each newsroom job asks before it acts."""
        return self.leadership is None or await self.leadership.holds()

    async def start_newsroom(self) -> None:
        """Recover what dead workers left `sending` (uncertain, editors told), then resume the
        newsroom's queues: at start as the leader, and at each takeover."""
        with newsroom_writes():
            await self.publisher.start()
            await self.admin.start()
            await self.digests.start()

    async def close(self) -> None:
        """Stop fetching, leave the workers (releasing the lease) and close the store."""
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
            if self.leadership is not None:
                await self.leadership.leave(self.db)
        finally:
            await self.db.close()


async def open_services(
    settings: Settings,
    bot: Bot,
    *,
    clock: Clock = utc_now,
    take_lease: bool,
    register: bool = False,
) -> Services:
    """Open the store (migrating it), register this process as a worker and, for the bot, take
    the instance lease or (PostgreSQL) follow its live holder.

    `register` (implied by `take_lease`): a command that claims sends names itself on them.
    Building the services starts nothing: jobs and background work begin in the app's
    `post_init`, so one-shot CLI commands can use the same services.
    """
    db = await Database.open(settings.storage)
    try:
        await refuse_unfinished_copy(db)
        leadership: Leadership | None = None
        if take_lease or register:
            ttl = timedelta(seconds=settings.storage.lease_ttl_seconds)
            lease = LeaseRepository(db.store, ttl=ttl) if take_lease else None
            command = "run" if take_lease else "one-shot"
            leadership = Leadership(
                db,
                clock,
                ttl=ttl,
                command=command,
                lease=lease,
                receives_updates=settings.webhook is not None,
            )
            db.worker_id = leadership.worker_id
            await leadership.register()
            await leadership.start()
        subscribers = await open_subscriber_services(db, settings, clock)
    except BaseException:
        await db.close()  # a lease or worker row left here is judged dead at once (pid gone)
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
        leadership=leadership,
        outage=StoreOutageNotices(db.health, notifier) if take_lease else None,
    )
    if leadership is not None and leadership.lease is not None:
        db.fence = leadership.fence
        # Only the leader starts a publishing pass or the alert fan-out (an editor's /resume or
        # a breaking push on a follower leaves them to the leader's next round).
        publisher.may_run = admin.alerts.may_run = lambda: leadership.leading
    return services
