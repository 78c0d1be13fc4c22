"""ArticleService: storing drafts, whatever reader produced them.

The service owns the transaction so that one file or one feed is stored in one short write,
which is both fast (one commit) and atomic (a crash leaves none of it half-written).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable
from datetime import datetime

from bot.domain import Article, ArticleDraft, UpsertOutcome, UpsertResult
from storage.articles import ArticleRepository
from storage.database import Database


class ArticleService:
    """Stores and reads articles."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    async def store(
        self, drafts: Iterable[ArticleDraft], *, keep_time_of: Collection[str] = ()
    ) -> list[UpsertResult]:
        """Insert or update every draft in one transaction; the last of duplicate guids wins.

        Drafts whose guid is in `keep_time_of` had no time of their own: a stored article
        keeps its `published_at` rather than moving to the moment of reading.
        """
        results: list[UpsertResult] = []
        now = self._clock()
        async with self._db.write() as conn:
            repo = ArticleRepository(conn)
            for draft in drafts:
                keep = draft.guid in keep_time_of
                results.append(await repo.upsert(draft, now=now, keep_published=keep))
        return results

    async def get(self, article_id: int) -> Article | None:
        """One article by id."""
        return await ArticleRepository(self._db.store).get(article_id)


def tally(results: Iterable[UpsertResult]) -> Counter[UpsertOutcome]:
    """Count outcomes, for reports."""
    return Counter(result.outcome for result in results)
