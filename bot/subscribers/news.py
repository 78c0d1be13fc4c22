"""NewsQueryService: /latest, /breaking, /categories, /search and `a_<id>` deep links.

Callback data is limited to 64 bytes, so buttons carry short keys instead of text: a category
is named by a hash of its name (resolved against the category list, so it survives restarts),
a search by a hash of its FTS5 expression, kept in a bounded in-memory table — a search's
Next button after a restart answers "send the search again", which is cheap for the reader.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import Article
from bot.subscribers.pages import PAGE_SIZE, Page, clamp_page
from storage.database import Database
from storage.search import NewsRepository, SearchQuery, search_terms

BREAKING_WINDOW = timedelta(hours=24)
BREAKING_LIMIT = 10
MAX_CATEGORIES = 50
# Categories change slowly and counting them reads every listed article: cache for a minute.
CATEGORY_CACHE = timedelta(seconds=60)
MAX_REMEMBERED_SEARCHES = 5_000
# /latest is the same list for every reader and the hottest query there is; a story posted a
# few seconds ago may show up a few seconds late, which nobody notices, while the store is
# spared a read per command. Readers asking while the list is being read wait for that one read
# (single flight, /categories too): a burst of /latest would otherwise send a read per reader
# before the first one returns and fills the cache.
LATEST_CACHE = timedelta(seconds=5)
_MAX_CACHED_LISTS = 1_000


def _retrieve(task: asyncio.Task[object]) -> None:
    """Mark a shared read's failure as seen: its waiters got it, or all of them left."""
    if not task.cancelled():
        task.exception()


def _forget(
    loads: dict[tuple[str | None, int], asyncio.Task[Page[Article]]],
    key: tuple[str | None, int],
    task: asyncio.Task[Page[Article]],
) -> None:
    """A finished shared read leaves the table (a failed one is retried by the next reader)."""
    if loads.get(key) is task:
        del loads[key]
    _retrieve(task)


def short_key(text: str) -> str:
    """An 8-character, callback-safe key for a text."""
    digest = hashlib.blake2b(text.encode(), digest_size=6).digest()
    return base64.urlsafe_b64encode(digest).decode()


@dataclass(frozen=True)
class Category:
    """A category with its listed-article count and its button key."""

    name: str
    count: int
    key: str


@dataclass(frozen=True)
class SearchPage:
    """One page of search results and the key its Prev/Next buttons carry."""

    query: str
    key: str
    page: Page[Article]


class NewsQueryService:
    """Read-only news lists for subscribers."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock
        self._categories: tuple[datetime, list[Category]] | None = None
        self._searches: OrderedDict[str, tuple[str, SearchQuery]] = OrderedDict()
        self._latest: dict[tuple[str | None, int], tuple[datetime, Page[Article]]] = {}
        self._latest_loads: dict[tuple[str | None, int], asyncio.Task[Page[Article]]] = {}
        self._categories_load: asyncio.Task[list[Category]] | None = None

    def _repository(self) -> NewsRepository:
        return NewsRepository(self._db.conn)

    async def article(self, article_id: int) -> Article | None:
        """A listed article by id."""
        return await self._repository().listed(article_id)

    async def latest(self, number: int, category: str | None = None) -> Page[Article]:
        """Page `number` of the newest posted articles (of one category)."""
        number = clamp_page(number)
        key = (category, number)
        cached = self._latest.get(key)
        if cached is not None and self._clock() - cached[0] < LATEST_CACHE:
            return cached[1]
        load = self._latest_loads.get(key)
        if load is None:
            load = asyncio.ensure_future(self._load_latest(key))
            self._latest_loads[key] = load
            load.add_done_callback(lambda done: _forget(self._latest_loads, key, done))
        # Shielded: one reader giving up (cancelled) must not cancel the read the others await.
        return await asyncio.shield(load)

    async def _load_latest(self, key: tuple[str | None, int]) -> Page[Article]:
        category, number = key
        now = self._clock()
        rows = await self._repository().latest(
            category, offset=number * PAGE_SIZE, limit=PAGE_SIZE + 1
        )
        page = Page.from_rows(rows, number)
        if len(self._latest) >= _MAX_CACHED_LISTS:
            self._latest.clear()
        self._latest[key] = (now, page)
        return page

    async def breaking(self) -> list[Article]:
        """Breaking news of the last 24 hours, newest first."""
        since = self._clock() - BREAKING_WINDOW
        return await self._repository().breaking(since, limit=BREAKING_LIMIT)

    async def categories(self) -> list[Category]:
        """Categories with counts, the biggest first (cached briefly)."""
        if self._categories is not None and self._clock() - self._categories[0] < CATEGORY_CACHE:
            return self._categories[1]
        load = self._categories_load
        if load is None or load.done():
            load = asyncio.ensure_future(self._load_categories())
            self._categories_load = load
            load.add_done_callback(_retrieve)
        return await asyncio.shield(load)

    async def _load_categories(self) -> list[Category]:
        now = self._clock()
        counts = await self._repository().categories()
        found = [Category(c.name, c.count, short_key(c.name)) for c in counts[:MAX_CATEGORIES]]
        self._categories = (now, found)
        return found

    async def category_by_key(self, key: str) -> Category | None:
        """The category a button's key names, if it still exists."""
        return next((c for c in await self.categories() if c.key == key), None)

    async def find_category(self, typed: str) -> Category | None:
        """The category a user typed, ignoring case, a leading # and _ for spaces."""
        wanted = " ".join(typed.lstrip("#").replace("_", " ").split()).casefold()
        for category in await self.categories():
            if " ".join(category.name.split()).casefold() == wanted:
                return category
        return None

    async def search(self, query: str) -> SearchPage | None:
        """The first page for a query; None when it holds no word to search for.

        All words must match; when that finds nothing, any word may.
        """
        terms = search_terms(query)
        if not terms:
            return None
        shown = " ".join(query.split())
        result = await self._search_page(shown, SearchQuery(tuple(terms)), 0)
        if not result.page.items and len(terms) > 1:
            any_match = SearchQuery(tuple(terms), any_term=True)
            result = await self._search_page(shown, any_match, 0)
        return result

    async def search_page(self, key: str, number: int) -> SearchPage | None:
        """Another page of a remembered search; None if it was forgotten."""
        remembered = self._searches.get(key)
        if remembered is None:
            return None
        query, match = remembered
        return await self._search_page(query, match, clamp_page(number))

    async def _search_page(self, query: str, match: SearchQuery, number: int) -> SearchPage:
        key = short_key(match.match)
        self._searches[key] = (query, match)
        self._searches.move_to_end(key)
        while len(self._searches) > MAX_REMEMBERED_SEARCHES:
            self._searches.popitem(last=False)
        rows = await self._repository().search(
            match, now=self._clock(), offset=number * PAGE_SIZE, limit=PAGE_SIZE + 1
        )
        return SearchPage(query, key, Page.from_rows(rows, number))
