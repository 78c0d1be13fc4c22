"""FavoritesService: ⭐ presses, deep-link saves, and the /favorites list.

Writes go through the `SubscriberWriter` (batched, durable before the answer); the list is one
read of `page size + 1` rows, the extra row only telling whether a Next button is needed.
"""

from __future__ import annotations

from bot.domain import Article
from bot.subscribers.pages import PAGE_SIZE, Page, clamp_page
from bot.subscribers.writer import FavoriteOutcome, SubscriberWriter
from storage.database import Database
from storage.favorites import FavoriteRepository


class FavoritesService:
    """Saving, removing and listing a subscriber's favorite articles."""

    def __init__(self, db: Database, writer: SubscriberWriter) -> None:
        self._db = db
        self._writer = writer

    async def toggle(self, user_id: int, article_id: int) -> FavoriteOutcome:
        """A ⭐ press: save if not saved, remove if saved; UNAVAILABLE for a gone article."""
        return await self._writer.toggle(user_id, article_id)

    async def save(self, user_id: int, article_id: int) -> FavoriteOutcome:
        """A `fav_<id>` deep link: save (idempotently) if the article is available."""
        return await self._writer.save(user_id, article_id)

    async def remove(self, user_id: int, article_id: int) -> None:
        """A remove button in /favorites."""
        await self._writer.remove(user_id, article_id)

    async def page(self, user_id: int, number: int) -> Page[Article]:
        """Page `number` of the user's favorites, the most recently saved first."""
        number = clamp_page(number)
        rows = await self._repository().page(
            user_id, offset=number * PAGE_SIZE, limit=PAGE_SIZE + 1
        )
        return Page.from_rows(rows, number)

    async def saved_ids(self, user_id: int) -> list[int]:
        """Every saved article id of a user, newest first."""
        return await self._repository().saved_ids(user_id)

    def _repository(self) -> FavoriteRepository:
        return FavoriteRepository(self._db.store)
