"""The editors' desk: the features behind the editors' commands, wired together once.

Breaking news (`bot.breaking`), alerts by private message (`bot.alerts`) and the control room
(`bot.control`: status, pause, post, retract, audit, error reports) share the editors' gate and
the audit trail. `open_admin_services` builds them on the open store and the process's other
services; `start()` resumes what a restart interrupted, `stop()` lets the alert window in flight
finish.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import Bot

from bot.alerts.service import AlertService
from bot.breaking.pins import PinService
from bot.breaking.service import BreakingService
from bot.config import Settings
from bot.control.audit import AuditTrail
from bot.control.commands import ADMIN_COMMANDS, AdminCommands, Command
from bot.control.editors import Actor, Editors, Reply
from bot.control.error_reports import ErrorReporter
from bot.control.retract import RetractionService
from bot.control.service import ControlService
from bot.ingest.pageworker import PageReader
from bot.insight.editors import InsightDesk
from bot.notify import AdminNotifier
from bot.publishing.service import PublishingService
from bot.publishing_settings import AlertSettings, BreakingSettings
from bot.sources.fetcher import Fetcher
from bot.sources.service import SourceService
from storage.database import Database

__all__ = [
    "ADMIN_COMMANDS",
    "Actor",
    "AdminServices",
    "Command",
    "Reply",
    "open_admin_services",
]


@dataclass
class AdminServices:
    """Everything the admin handlers and jobs call."""

    editors: Editors
    audit: AuditTrail
    alerts: AlertService
    pins: PinService
    breaking: BreakingService
    retraction: RetractionService
    control: ControlService
    commands: AdminCommands
    errors: ErrorReporter

    async def start(self) -> None:
        """Load a stored pause; resume alerts a stop interrupted (after `publisher.start()`)."""
        await self.control.load()
        await self.alerts.start()

    async def stop(self) -> None:
        """Let the alert window in flight finish and record it (before the store closes)."""
        await self.alerts.stop()


def open_admin_services(
    *,
    settings: Settings,
    breaking: BreakingSettings,
    alerts: AlertSettings,
    db: Database,
    bot: Bot,
    notifier: AdminNotifier,
    publisher: PublishingService,
    sources: SourceService,
    fetcher: Fetcher,
    pages: PageReader,
    clock: Callable[[], datetime],
    started_at: datetime,
) -> AdminServices:
    """Build the admin services on an open, migrated store."""
    editors = Editors(settings.telegram.admins)
    audit = AuditTrail(db, clock)
    alert_service = AlertService(db, bot, notifier, alerts, clock)
    pins = PinService(db, bot, breaking, clock, settings.site.tz)
    breaking_service = BreakingService(
        bot=bot,
        settings=settings,
        breaking=breaking,
        publisher=publisher,
        alerts=alert_service,
        pins=pins,
        db=db,
        audit=audit,
        editors=editors,
        clock=clock,
    )
    retraction = RetractionService(
        bot=bot,
        settings=settings,
        alerts=alert_service,
        pins=pins,
        db=db,
        audit=audit,
        editors=editors,
        clock=clock,
    )
    control = ControlService(
        settings=settings,
        publisher=publisher,
        sources=sources,
        fetcher=fetcher,
        pages=pages,
        alerts=alert_service,
        started_at=started_at,
        db=db,
        audit=audit,
        editors=editors,
        clock=clock,
    )
    commands = AdminCommands(
        settings=settings,
        breaking=breaking_service,
        retraction=retraction,
        control=control,
        insight=InsightDesk(db=db, settings=settings, editors=editors, clock=clock),
        db=db,
        audit=audit,
        editors=editors,
        clock=clock,
    )
    return AdminServices(
        editors=editors,
        audit=audit,
        alerts=alert_service,
        pins=pins,
        breaking=breaking_service,
        retraction=retraction,
        control=control,
        commands=commands,
        errors=ErrorReporter(notifier, settings.telegram.token.get_secret_value()),
    )
