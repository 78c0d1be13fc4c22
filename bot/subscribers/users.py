"""UserService: who the subscriber is to us — their language, alert choice and last visit.

The language of every reply is needed on every update, so /language choices are held in memory
(loaded once when the services open; this process is the only writer, by the instance lease) and
a reply never waits on the store to pick its language. Sightings are handed to the writer,
which stores them with its next batch.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot import catalogue
from bot.domain import Sighting, UserRecord
from bot.domain.errors import StoreUnavailableError
from bot.subscribers.writer import SubscriberWriter
from storage.database import Database
from storage.users import UserRepository


class UserService:
    """Language choice, alert opt-in and sightings of subscribers."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        writer: SubscriberWriter,
        overrides: dict[int, str],
    ) -> None:
        self._db = db
        self._clock = clock
        self._writer = writer
        self._overrides = overrides

    @classmethod
    async def open(
        cls, db: Database, clock: Callable[[], datetime], writer: SubscriberWriter
    ) -> UserService:
        """Load the /language choices into memory."""
        overrides = await UserRepository(db.store).language_overrides()
        return cls(db, clock, writer, overrides)

    def language_for(self, user_id: int | None, language_code: str | None) -> str:
        """The catalogue language: the user's /language choice, else Telegram's code."""
        if user_id is not None:
            chosen = self._overrides.get(user_id)
            if chosen is not None:
                return chosen
        return catalogue.pick_language(language_code)

    async def known_language(self, user_id: int, fallback: str) -> str:
        """The language of someone we did not just hear from (an editor told of a problem).

        Their /language choice, else the Telegram language they were last seen with, else
        `fallback` (the site's language) for someone never seen.
        """
        chosen = self._overrides.get(user_id)
        if chosen is not None:
            return chosen
        try:
            record = await UserRepository(self._db.store).get(user_id)
        except StoreUnavailableError:  # the outage notice itself must still go out
            record = None
        if record is not None and record.language_code:
            return catalogue.pick_language(record.language_code)
        return catalogue.pick_language(fallback)

    def seen(self, user_id: int, language_code: str | None, *, private: bool) -> None:
        """Note that the user did something (written later, with the next batch)."""
        self._writer.seen(Sighting(user_id, language_code, self._clock(), private))

    async def set_language(self, user_id: int, language: str) -> str:
        """Store a /language choice; return the catalogue language now in effect."""
        chosen = catalogue.pick_language(language)
        async with self._db.write() as conn:
            await UserRepository(conn).set_language(user_id, chosen, now=self._clock())
        self._overrides[user_id] = chosen
        return chosen

    async def set_alerts(self, user_id: int, opt_in: bool) -> None:
        """Opt in to or out of breaking-news alerts (durable before we confirm)."""
        async with self._db.write() as conn:
            await UserRepository(conn).set_alerts(user_id, opt_in, now=self._clock())

    async def alerts_enabled(self, user_id: int) -> bool:
        """Whether the user opted in to alerts."""
        record = await self.get(user_id)
        return record is not None and record.alerts_opt_in

    async def get(self, user_id: int) -> UserRecord | None:
        """The stored row of a user, if any."""
        return await UserRepository(self._db.store).get(user_id)
