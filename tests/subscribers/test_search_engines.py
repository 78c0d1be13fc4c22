"""What readers get from the news store on both engines: folding, the lists, search's top results.

Search ranks differently inside (FTS5's bm25 against PostgreSQL's ts_rank, which has no idf), so
the corpus has clear margins — title against summary against body at one age, a week or more
between ages — and each engine is compared with one fixed expectation rather than with the
other: a failure then says which engine strayed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from storage.articles import to_db_time
from storage.database import Database
from storage.search import Editions, NewsRepository, SearchQuery, fold_arabic, search_terms
from tests.pgstore import TestStore

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
FOLDED_CHARACTERS = "".join(chr(c) for c in range(0x0621, 0x0672)) + " café Ελλάδα 漢字 ١٢٣"


@dataclass(frozen=True)
class Doc:
    """One article of a corpus: its text, age, and where it was posted."""

    id: int
    title: str
    summary: str = ""
    body: str = ""
    days: float = 0.1
    channel: str | None = "en"  # None: never posted
    retracted: bool = False
    category: str | None = None
    breaking: bool = False


# Words no query asks for, so that every searched word is rare (bm25's idf stays positive).
FILLER = [
    Doc(100 + n, f"Weather outlook {n}", "clouds and light wind expected",
        "forecasters said temperatures would stay mild across the region this week", days=n)
    for n in range(24)
]  # fmt: skip

CORPUS = [
    # One age: a title match, then a summary match, then a body match; half a year of age
    # puts even a title match behind them.
    Doc(1, "Harbour strike ends", "workers return today", "the dispute lasted a month"),
    Doc(2, "Ferry times change", "the harbour closes early", "passengers should plan ahead"),
    Doc(3, "Markets rise", "shares gain on news", "traders said the harbour was busy"),
    Doc(4, "Harbour history", "a look back", "the old port in photographs", days=200),
    Doc(5, "Harbour unposted", channel=None),
    Doc(6, "Harbour retracted", retracted=True),
    # Equal matches a week and more apart: the newest first.
    Doc(10, "Election results", "counting ends", "turnout was high", days=0.5),
    Doc(11, "Election campaign", "last rallies", "candidates travel", days=10),
    Doc(12, "Election debate", "a tense evening", "questions on housing", days=40),
    Doc(13, "Housing plan", "new homes", "a word on the election", days=60),
    # Arabic: vowel marks, hamza forms, alef maksura and tatweel are folded on both sides.
    Doc(20, "محمد صلاح يسجل هدفين", "مباراة قوية", "الجمهور احتفل طويلا", channel="ar"),
    Doc(21, "نتائج الدوري", "فاز مُحَمَّدٌ بالجائزة", "الموسم انتهى امس", channel="ar"),
    Doc(22, "ملعب جديد", "افتتاح قريب", "قال مُحمّد ان العمل مستمر", channel="ar"),
    Doc(30, "امطار غزيرة في المدينة", "الطرق مغلقة", "الدفاع المدني يعمل", channel="ar"),
    Doc(31, "طقس متقلب", "تتوقع الأرصاد أمطار", "درجات الحرارة تنخفض", channel="ar"),
    Doc(32, "حركة المرور", "ازدحام في الصباح", "هطلت إمطار خفيفة ليلا", channel="ar"),
    Doc(40, "افتتاح مستشفي جديد", "خدمات حديثة", "الوزير حضر", days=1, channel="ar"),
    Doc(41, "مستشفى الأطفال يتوسع", "أجنحة جديدة", "تبرعات كبيرة", days=8, channel="ar"),
    Doc(50, "أخبار القدس اليوم", "تقرير خاص", "زيارات متواصلة", channel="ar"),
    Doc(51, "جولة في المدينة", "صور", "أسواق القـدس القديمة", channel="ar"),
    # Words that are query syntax elsewhere, and addresses split at their punctuation.
    Doc(60, "Budget vote near deadline", "talks continue", "ministers meet", days=2),
    Doc(61, "Budget vote delayed", "no agreement", "a new date is set", days=0.5),
    Doc(70, "Tips wanted", "send us news", "write to desk@example.com or see news.example/tips"),
    Doc(71, "Contact us", "the newsroom", "send an e-mail to the desk"),
]

# The top three ids, in order, that both engines must answer.
EXPECTED: dict[str, list[int]] = {
    "harbour": [1, 2, 3],
    "election": [10, 11, 12],
    "مُحَمَّد": [20, 21, 22],
    "محمد": [20, 21, 22],
    "أمطار": [30, 31, 32],
    "امطار": [30, 31, 32],
    "مستشفى": [40, 41],
    "الـقدس": [50, 51],
    "harbour* -strike": [1],
    "NEAR(budget, vote)": [60],
    '"budget" +vote': [61, 60],
    "example": [70],
    "e-mail": [71],
    "any: history campaign": [11, 4],
}


async def seed(db: Database, docs: list[Doc]) -> None:
    """Store the articles as the site would, and post them as the publisher would."""
    async with db.write() as conn:
        for doc in docs:
            await conn.execute(
                "INSERT INTO articles (id, guid, title, summary, body, published_at, category, "
                "is_breaking, retracted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                doc.id,
                f"g-{doc.id}",
                doc.title,
                doc.summary or None,
                doc.body or None,
                to_db_time(NOW - timedelta(days=doc.days)),
                doc.category,
                int(doc.breaking),
                to_db_time(NOW) if doc.retracted else None,
            )
            if doc.channel is not None:
                await conn.execute(
                    "INSERT INTO deliveries (article_id, channel, state, updated_at) "
                    "VALUES ($1, $2, 'posted', $3)",
                    doc.id,
                    doc.channel,
                    to_db_time(NOW),
                )


async def search(db: Database, query: str, editions: Editions = None) -> list[int]:
    """The ids of the first page of results, as the service asks (all words, else any)."""
    any_term = query.startswith("any: ")
    terms = tuple(search_terms(query.removeprefix("any: ")))
    found = await NewsRepository(db.store).search(
        SearchQuery(terms, any_term=any_term), now=NOW, offset=0, limit=11, editions=editions
    )
    return [article.id for article in found]


async def test_the_same_queries_give_the_same_top_results(db: Database) -> None:
    await seed(db, CORPUS + FILLER)
    top = {query: (await search(db, query))[:3] for query in EXPECTED}
    assert top == EXPECTED


async def test_search_pages_and_editions(db: Database) -> None:
    await seed(db, CORPUS + FILLER)
    news = NewsRepository(db.store)
    page = await news.search(SearchQuery(("harbour",)), now=NOW, offset=1, limit=2)
    assert [a.id for a in page] == [2, 3]
    assert await search(db, "harbour", editions=("ar",)) == []
    assert await search(db, "مستشفى", editions=("ar", "fr")) == [40, 41]
    assert await search(db, "nothing-matches-this") == []


# Times the site may store: a day past the month's end, then ones no date function reads (a
# month, minute, year or shape out of range; PostgreSQL's ranking must not try to build them).
UNREADABLE_TIMES = [
    "2026-02-31T00:00:00.000Z",
    "2026-13-01T00:00:00.000Z",
    "2026-11-27T23:60:00.000Z",
    "0000-01-01T00:00:00.000Z",
    "2026-1a-27T12:00:00.000Z",
    "soon",
]


@pytest.mark.parametrize("unreadable", UNREADABLE_TIMES)
async def test_an_unreadable_time_does_not_break_search(db: Database, unreadable: str) -> None:
    # The site may store a time no one can read (kept and flagged): the rest still answers.
    await seed(db, CORPUS + FILLER)
    async with db.write() as conn:
        await conn.execute(
            "UPDATE articles SET published_at = $1 WHERE id = $2", "2026-02-31T00:00:00.000Z", 2
        )
        await conn.execute("UPDATE articles SET published_at = $1 WHERE id = $2", unreadable, 3)
    assert (await search(db, "harbour"))[:2] == [1, 4]


async def test_the_store_folds_as_python_does(db: Database, store: TestStore) -> None:
    summary = "مُحَمَّدٌ الـعَرَبِيَّةُ إِلَى آخِرِهِ ٱلْكِتَابُ"
    if store.engine == "sqlite":
        async with db.write() as conn:
            await conn.execute(
                "INSERT INTO articles (guid, title, summary) VALUES ('fold', $1, $2)",
                FOLDED_CHARACTERS,
                summary,
            )
        row = await db.store.fetchrow(
            "SELECT title, summary, body FROM articles_search_text WHERE id = 1"
        )
    else:
        row = await db.store.fetchrow(
            "SELECT newsdesk_fold($1), newsdesk_fold($2), newsdesk_fold(NULL)",
            FOLDED_CHARACTERS,
            summary,
        )
    assert row is not None
    title, folded, body = row
    assert title == fold_arabic(FOLDED_CHARACTERS)
    assert folded == fold_arabic(summary) == "محمد العربية الي اخره الكتاب"
    assert body is None


LISTS = [
    Doc(1, "Old sports", category="Sports", days=3, channel="en"),
    Doc(2, "New sports", category="Sports", days=1, channel="en"),
    Doc(3, "Arabic economy", category="اقتصاد", days=2, channel="ar"),
    Doc(4, "Breaking now", category="economy", days=0.1, breaking=True, channel="en"),
    Doc(5, "Breaking yesterday", days=2.5, breaking=True, channel="ar"),
    Doc(6, "Not posted", category="Sports", days=0.2, channel=None),
    Doc(7, "Retracted", category="Sports", days=0.2, retracted=True),
    Doc(8, "Arabic breaking", category="Economy", days=0.5, breaking=True, channel="ar"),
]


async def test_latest_breaking_categories_and_deep_links(db: Database) -> None:
    await seed(db, LISTS)
    news = NewsRepository(db.store)

    async def latest(category: str | None = None, editions: Editions = None) -> list[int]:
        found = await news.latest(category, offset=0, limit=10, editions=editions)
        return [a.id for a in found]

    assert await latest() == [4, 8, 2, 3, 5, 1]
    assert await latest("Sports") == [2, 1]
    assert await latest(editions=("ar",)) == [8, 3, 5]
    assert await latest("Sports", editions=("ar", "xx")) == []
    assert [a.id for a in await news.latest(None, offset=2, limit=2)] == [2, 3]
    since = NOW - timedelta(days=1)
    assert [a.id for a in await news.breaking(since, limit=5)] == [4, 8]
    assert [a.id for a in await news.breaking(since, limit=5, editions=("ar",))] == [8]
    counts = [(c.name, c.count) for c in await news.categories()]
    # Ties by code point: upper case before lower case before Arabic, on both engines.
    assert counts == [("Sports", 2), ("Economy", 1), ("economy", 1), ("اقتصاد", 1)]
    assert [(c.name, c.count) for c in await news.categories(("ar",))] == [
        ("Economy", 1),
        ("اقتصاد", 1),
    ]
    found = await news.listed(2)
    assert found is not None and found.title == "New sports" and not found.is_breaking
    assert await news.listed(6) is None and await news.listed(7) is None
    assert await news.listed(999) is None
