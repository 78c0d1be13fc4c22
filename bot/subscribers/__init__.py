"""Subscriber features: ⭐ favorites, news lists and search, languages, alerts and flood control.

`open_subscriber_services` builds them on the open store; `close()` writes what is still queued
(do it before the store closes). Handlers reach them through `context.bot_data.services`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from telegram import User

from bot.config import Settings
from bot.subscribers.favorites import FavoritesService
from bot.subscribers.flood import FloodGuard, FloodVerdict
from bot.subscribers.news import NewsQueryService, reader_editions
from bot.subscribers.users import UserService
from bot.subscribers.views import ListContext
from bot.subscribers.writer import FavoriteOutcome, SubscriberWriter
from storage.database import Database

__all__ = [
    "FavoriteOutcome",
    "FavoritesService",
    "FloodGuard",
    "FloodVerdict",
    "NewsQueryService",
    "SubscriberServices",
    "UserService",
    "attached",
    "from_services",
    "open_subscriber_services",
]


@dataclass
class SubscriberServices:
    """Everything the subscriber handlers call."""

    settings: Settings
    favorites: FavoritesService
    news: NewsQueryService
    users: UserService
    flood: FloodGuard
    writer: SubscriberWriter = field(repr=False)

    def language_of(self, user: User | None) -> str:
        """The catalogue language to answer this Telegram user in."""
        if user is None:
            return self.users.language_for(None, None)
        return self.users.language_for(user.id, user.language_code)

    def list_context(self, language: str, bot_username: str) -> ListContext:
        """What the list views need to render for this reader."""
        return ListContext(language, self.settings.site.tz, bot_username)

    async def close(self) -> None:
        """Write queued favorites and sightings; call before closing the store."""
        await self.writer.close()


async def open_subscriber_services(
    db: Database, settings: Settings, clock: Callable[[], datetime]
) -> SubscriberServices:
    """Build the subscriber services on an open, migrated store."""
    writer = SubscriberWriter(db, clock)
    return SubscriberServices(
        settings=settings,
        favorites=FavoritesService(db, writer),
        news=NewsQueryService(db, clock, reader_editions(settings.channels)),
        users=await UserService.open(db, clock, writer),
        flood=FloodGuard(),
        writer=writer,
    )


def attached(services: object) -> SubscriberServices | None:
    """The subscriber services on the process's `Services` (its `subscribers` field), if any."""
    found = getattr(services, "subscribers", None)
    return found if isinstance(found, SubscriberServices) else None


def from_services(services: object) -> SubscriberServices:
    """The subscriber services attached to the process's `Services`; they must be there."""
    found = attached(services)
    if found is None:
        raise RuntimeError("subscriber services are not attached to Services.subscribers")
    return found
