"""ArticleProblemRepository on both engines: the site's odd times repaired, the rest set aside."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.article_problems import ArticleProblemRepository
from storage.articles import ArticleRepository
from storage.database import Database
from tests.pgstore import TestStore

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
TOLD = datetime(2026, 12, 1, 6, 5, tzinfo=UTC)


async def test_times_are_repaired_and_what_cannot_be_is_told_once(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:  # the site's own writes: forms SQL cannot read
            await conn.execute(
                "INSERT INTO articles (guid, title, published_at, created_at, updated_at) VALUES "
                "('ok', 'Fine', '2026-12-01T05:00:00.000Z', "
                "'2026-12-01T05:00:00.000Z', '2026-12-01T05:00:00.000Z'), "
                "('rfc', 'Mail date', 'Tue, 01 Dec 2026 05:00:54 +0300', "
                "'2026-12-01T05:00:00.000Z', 'soon'), "
                "('bad', 'No date', 'the day after tomorrow', "
                "'2026-12-01T05:00:00.000Z', '2026-12-01T05:00:00.000Z')"
            )
        ids = {
            str(guid): int(article_id)
            for guid, article_id in await db.store.fetch("SELECT guid, id FROM articles")
        }
        async with db.write() as conn:
            outcome = await ArticleProblemRepository(conn).repair_times(now=NOW)
        problem = "unreadable published_at: 'the day after tomorrow'"
        assert outcome.repaired == [ids["rfc"]]
        assert outcome.unreadable == [(ids["bad"], problem)]
        repaired = await ArticleRepository(db.store).get(ids["rfc"])
        assert repaired is not None
        assert repaired.published_at == datetime(2026, 12, 1, 2, 0, 54, tzinfo=UTC)
        flagged = await db.store.fetch("SELECT article_id FROM article_problems")
        assert [int(row[0]) for row in flagged] == [ids["bad"]]

        problems = ArticleProblemRepository(db.store)
        assert await problems.unreported() == [(ids["bad"], problem)]
        async with db.write() as conn:
            await ArticleProblemRepository(conn).mark_reported([ids["bad"]], now=TOLD)
            await ArticleProblemRepository(conn).record(ids["bad"], problem)  # the same again
            again = await ArticleProblemRepository(conn).repair_times(now=TOLD)
        assert (again.repaired, again.unreadable) == ([], [])
        assert await problems.unreported() == []  # told once

        # A readable row set aside for another reason stays aside; a new reason is told.
        async with db.write() as conn:
            await ArticleProblemRepository(conn).record(ids["ok"], "unreadable title: too long")
            await ArticleProblemRepository(conn).record(ids["bad"], "unreadable body: binary")
            aside = await ArticleProblemRepository(conn).repair_times(now=TOLD)
        assert aside.repaired == []
        assert await problems.unreported() == [
            (ids["ok"], "unreadable title: too long"),
            (ids["bad"], problem),  # repair found its time still unreadable: that reason again
        ]
    finally:
        await db.close()
