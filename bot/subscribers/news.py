"""NewsQueryService: /latest, /breaking, /categories, /search and `a_<id>` deep links.

Callback data is limited to 64 bytes, so buttons carry short keys instead of text: a category
is named by a hash of its name (resolved against the category list, so it survives restarts),
a search by a hash of its FTS5 expression, kept in a bounded in-memory table — a search's
Next button after a restart answers "send the search again", which is cheap for the reader.

With several editions (channels in different languages) a reader is answered from the editions
in their language: an Arabic reader's /latest lists what the Arabic channel posted. When no
channel is in their language, or those channels have nothing for the question (no article of
that category, no match for the search, no breaking news today), the answer comes from all
channels: something to read beats an empty list. When every channel is in the reader's language
(one channel, the common case) no filter is applied at all, so the queries stay as they were.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import catalogue
from bot.channel_settings import ChannelSettings
from bot.domain import Article
from bot.subscribers.pages import PAGE_SIZE, Page, clamp_page
from storage.database import Database
from storage.insight import InsightRepository
from storage.search import Editions, NewsRepository, SearchQuery, search_terms

BREAKING_WINDOW = timedelta(hours=24)
BREAKING_LIMIT = 10
POPULAR_WINDOW = timedelta(hours=24)
POPULAR_LIMIT = 10
POPULAR_CACHE = timedelta(seconds=30)
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


_ListKey = tuple[Editions, str | None, int]


def reader_editions(channels: Sequence[ChannelSettings]) -> dict[str, tuple[str, ...]]:
    """The channels readers of each catalogue language are answered from.

    A language whose editions are all the channels there are is left out: its readers need no
    filter (one channel, or every edition in one language).
    """
    everyone = {channel.name for channel in channels}
    found: dict[str, tuple[str, ...]] = {}
    for channel in channels:
        language = catalogue.pick_language(channel.language)
        found[language] = (*found.get(language, ()), channel.name)
    return {lang: names for lang, names in found.items() if set(names) != everyone}


def _retrieve(task: asyncio.Task[object]) -> None:
    """Mark a shared read's failure as seen: its waiters got it, or all of them left."""
    if not task.cancelled():
        task.exception()


def _forget(
    loads: dict[_ListKey, asyncio.Task[Page[Article]]],
    key: _ListKey,
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
    """Read-only news lists for subscribers, from the editions in each reader's language."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        editions: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._editions = editions or {}
        self._categories: dict[Editions, tuple[datetime, list[Category]]] = {}
        self._searches: OrderedDict[str, tuple[str, SearchQuery, Editions]] = OrderedDict()
        self._latest: dict[_ListKey, tuple[datetime, Page[Article]]] = {}
        self._latest_loads: dict[_ListKey, asyncio.Task[Page[Article]]] = {}
        self._categories_loads: dict[Editions, asyncio.Task[list[Category]]] = {}
        self._popular: dict[Editions, tuple[datetime, list[tuple[Article, int]]]] = {}

    def _repository(self) -> NewsRepository:
        return NewsRepository(self._db.store)

    def editions_for(self, language: str | None) -> Editions:
        """The channels a reader of `language` is answered from first; None is all of them."""
        return self._editions.get(language) if language is not None else None

    async def article(self, article_id: int) -> Article | None:
        """A listed article by id (in any edition: deep links and ⭐ work everywhere)."""
        return await self._repository().listed(article_id)

    async def latest(
        self, number: int, category: str | None = None, language: str | None = None
    ) -> Page[Article]:
        """Page `number` of the newest posted articles (of one category).

        From the reader's editions when their first page has anything, else from all: deciding
        by the first page keeps every page of one list in the same scope.
        """
        number = clamp_page(number)
        editions = self.editions_for(language)
        if editions is not None and not (await self._page((editions, category, 0))).items:
            editions = None
        return await self._page((editions, category, number))

    async def _page(self, key: _ListKey) -> Page[Article]:
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

    async def _load_latest(self, key: _ListKey) -> Page[Article]:
        editions, category, number = key
        now = self._clock()
        rows = await self._repository().latest(
            category, offset=number * PAGE_SIZE, limit=PAGE_SIZE + 1, editions=editions
        )
        page = Page.from_rows(rows, number)
        if len(self._latest) >= _MAX_CACHED_LISTS:
            self._latest.clear()
        self._latest[key] = (now, page)
        return page

    async def breaking(self, language: str | None = None) -> list[Article]:
        """Breaking news of the last 24 hours, newest first (the reader's editions', else all)."""
        since = self._clock() - BREAKING_WINDOW
        editions = self.editions_for(language)
        if editions is not None:
            found = await self._repository().breaking(
                since, limit=BREAKING_LIMIT, editions=editions
            )
            if found:
                return found
        return await self._repository().breaking(since, limit=BREAKING_LIMIT)

    async def popular(self, language: str | None = None) -> list[tuple[Article, int]]:
        """The most saved stories posted in the last 24 hours, with their saves (the reader's
        editions', else all); read at most twice a minute per editions (many readers ask at once
        when a story breaks)."""
        editions = self.editions_for(language)
        if editions is not None:
            found = await self._popular_of(editions)
            if found:
                return found
        return await self._popular_of(None)

    async def _popular_of(self, editions: Editions) -> list[tuple[Article, int]]:
        now = self._clock()
        cached = self._popular.get(editions)
        if cached is not None and now - cached[0] < POPULAR_CACHE:
            return cached[1]
        found = await InsightRepository(self._db.store).popular(
            now - POPULAR_WINDOW, limit=POPULAR_LIMIT, editions=editions
        )
        if found:  # "nothing saved yet" is asked again: the first saves should show at once
            self._popular[editions] = (now, found)
        return found

    async def categories(self, language: str | None = None) -> list[Category]:
        """Categories with counts, the biggest first (the reader's editions', else all)."""
        editions = self.editions_for(language)
        if editions is not None:
            found = await self._categories_of(editions)
            if found:
                return found
        return await self._categories_of(None)

    async def _categories_of(self, editions: Editions) -> list[Category]:
        """Categories of some editions (cached briefly, one read at a time per editions)."""
        cached = self._categories.get(editions)
        if cached is not None and self._clock() - cached[0] < CATEGORY_CACHE:
            return cached[1]
        load = self._categories_loads.get(editions)
        if load is None or load.done():
            load = asyncio.ensure_future(self._load_categories(editions))
            self._categories_loads[editions] = load
            load.add_done_callback(_retrieve)
        return await asyncio.shield(load)

    async def _load_categories(self, editions: Editions) -> list[Category]:
        now = self._clock()
        counts = await self._repository().categories(editions)
        found = [Category(c.name, c.count, short_key(c.name)) for c in counts[:MAX_CATEGORIES]]
        self._categories[editions] = (now, found)
        return found

    async def _known_categories(self, language: str | None) -> list[Category]:
        """The reader's editions' categories, then the rest: a button or name from either."""
        found = list(await self.categories(language))
        if self.editions_for(language) is not None:
            names = {category.name for category in found}
            found += [c for c in await self._categories_of(None) if c.name not in names]
        return found

    async def category_by_key(self, key: str, language: str | None = None) -> Category | None:
        """The category a button's key names, if it still exists."""
        return next((c for c in await self._known_categories(language) if c.key == key), None)

    async def find_category(self, typed: str, language: str | None = None) -> Category | None:
        """The category a user typed, ignoring case, a leading # and _ for spaces."""
        wanted = " ".join(typed.lstrip("#").replace("_", " ").split()).casefold()
        for category in await self._known_categories(language):
            if " ".join(category.name.split()).casefold() == wanted:
                return category
        return None

    async def search(self, query: str, language: str | None = None) -> SearchPage | None:
        """The first page for a query; None when it holds no word to search for.

        All words must match; when that finds nothing, any word may. The reader's editions
        are searched first; when they hold no match at all, every channel is.
        """
        terms = search_terms(query)
        if not terms:
            return None
        shown = " ".join(query.split())
        editions = self.editions_for(language)
        scopes = [editions, None] if editions is not None else [None]
        result: SearchPage | None = None
        for scope in scopes:
            result = await self._search_page(shown, SearchQuery(tuple(terms)), 0, scope)
            if not result.page.items and len(terms) > 1:
                any_match = SearchQuery(tuple(terms), any_term=True)
                result = await self._search_page(shown, any_match, 0, scope)
            if result.page.items:
                break
        return result

    async def search_page(self, key: str, number: int) -> SearchPage | None:
        """Another page of a remembered search; None if it was forgotten."""
        remembered = self._searches.get(key)
        if remembered is None:
            return None
        query, match, editions = remembered
        return await self._search_page(query, match, clamp_page(number), editions)

    async def _search_page(
        self, query: str, match: SearchQuery, number: int, editions: Editions
    ) -> SearchPage:
        scope = "" if editions is None else "\n" + ",".join(editions)
        key = short_key(match.match + scope)
        self._searches[key] = (query, match, editions)
        self._searches.move_to_end(key)
        while len(self._searches) > MAX_REMEMBERED_SEARCHES:
            self._searches.popitem(last=False)
        rows = await self._repository().search(
            match,
            now=self._clock(),
            offset=number * PAGE_SIZE,
            limit=PAGE_SIZE + 1,
            editions=editions,
        )
        return SearchPage(query, key, Page.from_rows(rows, number))
