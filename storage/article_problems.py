"""SQL for `article_problems`: rows of `articles` the publisher has to repair or set aside.

The site writes `articles` directly. The migration-0012 triggers flag every row whose times SQL
could not normalise; `repair_times` reads those with the tolerant parser (`storage.times`) and
writes the normalised time back, so ordering in SQL is right for every accepted format. A row
no parser reads, or one a pass could not load or render, keeps a `reason` here; the editors
are told about it once (`reported_at`, cleared when the reason changes). On PostgreSQL the
baseline's `articles_times` triggers flag the same rows (storage/migrations_pg/0015_baseline.sql).
"""

from __future__ import annotations

from datetime import datetime

from bot.domain import RepairOutcome
from storage.articles import to_db_time
from storage.sql import Sql, StoreConn
from storage.times import parse_time

# Reasons a repair of the times lifts; any other (a value the model or renderer refuses) stays.
_TIME_REASONS = tuple(f"unreadable {c}:" for c in ("published_at", "created_at", "updated_at"))

# A new reason (null-safe "differs": SQLite's IS NOT, PostgreSQL's IS DISTINCT FROM) clears
# `reported_at`, so the editors hear about it; the same reason again changes nothing.
_RECORD = Sql(
    sqlite="INSERT INTO article_problems (article_id, reason) VALUES ($1, $2) "
    "ON CONFLICT (article_id) DO UPDATE SET reason = excluded.reason, reported_at = NULL "
    "WHERE article_problems.reason IS NOT excluded.reason",
    postgres="INSERT INTO article_problems (article_id, reason) VALUES ($1, $2) "
    "ON CONFLICT (article_id) DO UPDATE SET reason = excluded.reason, reported_at = NULL "
    "WHERE article_problems.reason IS DISTINCT FROM excluded.reason",
)


class ArticleProblemRepository:
    """All SQL on `article_problems`. Callers own the transaction for writes."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def repair_times(self, *, now: datetime) -> RepairOutcome:
        """Normalise every flagged row the parser reads; record why the others cannot be.

        Only `published_at` decides: it orders and dates the post. A `created_at` or
        `updated_at` no parser reads is bookkeeping and becomes `now`.
        """
        outcome = RepairOutcome()
        rows = await self._conn.fetch(
            "SELECT p.article_id, p.reason, a.published_at, a.created_at, a.updated_at "
            "FROM article_problems p JOIN articles a ON a.id = p.article_id"
        )
        for article_id, reason, published, created, updated in rows:
            when = parse_time(published)
            if when is None:
                problem = f"unreadable published_at: {str(published)[:60]!r}"
                if problem != reason:
                    await self.record(int(article_id), problem)
                    outcome.unreadable.append((int(article_id), problem))
                continue
            if reason is not None and not str(reason).startswith(_TIME_REASONS):
                continue  # set aside for another reason (a bad value): only an editor lifts it
            # The bookkeeping times are not shown: an unreadable one becomes now.
            await self._conn.execute(
                "UPDATE articles SET published_at = $1, created_at = $2, updated_at = $3 "
                "WHERE id = $4",
                to_db_time(when),
                to_db_time(parse_time(created) or now),
                to_db_time(parse_time(updated) or now),
                article_id,
            )
            await self._conn.execute(
                "DELETE FROM article_problems WHERE article_id = $1", article_id
            )
            outcome.repaired.append(int(article_id))
        return outcome

    async def record(self, article_id: int, reason: str) -> None:
        """Set an article aside with `reason`; a new reason is told to the editors again."""
        await self._conn.execute(_RECORD, article_id, reason)

    async def unreported(self) -> list[tuple[int, str]]:
        """Articles set aside that the editors have not been told about: (id, reason)."""
        rows = await self._conn.fetch(
            "SELECT article_id, reason FROM article_problems "
            "WHERE reason IS NOT NULL AND reported_at IS NULL ORDER BY article_id"
        )
        return [(int(row[0]), str(row[1])) for row in rows]

    async def mark_reported(self, article_ids: list[int], *, now: datetime) -> None:
        """The editors were told about these."""
        await self._conn.executemany(
            "UPDATE article_problems SET reported_at = $1 WHERE article_id = $2",
            [(to_db_time(now), article_id) for article_id in article_ids],
        )
