"""Latency of the subscriber queries on a large store, and the memory the process needs.

A store of 100,000 posted articles (English and Arabic text) and 1,000,000 favorites across
50,000 users is built once (in a child process, so its peak memory is not counted), then the
real services answer /favorites pages, /latest pages (the five-second cache defeated: every
call reads the store), /search queries of one to three words, common and rare, /popular (the
most saved of the last 24 hours: ~1,440 posts) and an editor's /top of today or of the week
(~10,000 posts, each with its story's saves counted).

    .venv/bin/python bench/queries.py [--articles 100000] [--favorites 1000000] [--queries 500]
    .venv/bin/python bench/queries.py --store postgresql://postgres@127.0.0.1/newsdesk_bench

With `--store postgresql://…` the same store is built in that database (created if absent; it
must hold no articles, unless `--reuse` measures what an earlier run built there) with COPY, and
read through the same services.

Last line: key=value figures (milliseconds; targets p99 ≤ 10 ms for readers' lists, ≤ 1,000 ms
for an editor's /top, rss ≤ 150 MB; on PostgreSQL /search p99 ≤ 20 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import Settings, parse_settings  # noqa: E402
from bot.control.editors import Actor, Editors  # noqa: E402
from bot.insight.editors import InsightDesk  # noqa: E402
from bot.subscribers import open_subscriber_services  # noqa: E402
from bot.subscribers.favorites import FavoritesService  # noqa: E402
from bot.subscribers.news import NewsQueryService, reader_editions  # noqa: E402
from bot.subscribers.writer import SubscriberWriter  # noqa: E402
from storage.articles import to_db_time  # noqa: E402
from storage.database import Database  # noqa: E402

USERS = 50_000
EDITOR = Actor(1, "Editor")
CATEGORIES = ["World", "Politics", "Economy", "Sports", "Culture", "Science", "Health",
              "Technology", "Local", "Opinion", "سياسة", "اقتصاد"]  # fmt: skip
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def vocabulary(rng: random.Random) -> list[str]:
    """English-like and Arabic words; used with a Zipf-like skew, as real text is."""
    letters, arabic = "abcdefghijklmnopqrstuvwxyz", "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(8000)]
    words += ["".join(rng.choice(arabic) for _ in range(rng.randint(3, 7))) for _ in range(4000)]
    return words


def text(rng: random.Random, words: list[str], count: int) -> str:
    """`count` words, frequent ones far more often (index ~ 1/rank)."""
    top = len(words)
    return " ".join(words[min(top - 1, int(rng.paretovariate(1.1))) - 1] for _ in range(count))


async def migrate_only(path: Path) -> None:
    """Create the schema through the real migrations."""
    await (await Database.open(path)).close()


ARTICLE_COLUMNS = ("id", "guid", "url", "title", "category", "published_at", "summary", "body",
                   "is_breaking", "created_at", "updated_at")  # fmt: skip
DELIVERY_COLUMNS = ("article_id", "channel", "state", "chat_id", "message_id", "posted_at",
                    "updated_at")  # fmt: skip
FAVORITE_COLUMNS = ("user_id", "article_id", "saved_at", "first_saved_at")


def article_rows(
    rng: random.Random, words: list[str], articles: int
) -> Iterator[tuple[object, ...]]:
    """The articles, one a minute up to NOW (the same on both engines: one seeded generator)."""
    for n in range(1, articles + 1):
        yield (
            n,
            f"bench-{n}",
            f"https://news.example/{n}",
            text(rng, words, 9),
            rng.choice(CATEGORIES),
            to_db_time(NOW - timedelta(minutes=articles - n)),
            text(rng, words, 30),
            text(rng, words, 120),
            int(rng.random() < 0.01),
            to_db_time(NOW),
            to_db_time(NOW),
        )


def delivery_rows(articles: int) -> Iterator[tuple[object, ...]]:
    """Every article posted in the channel 30 s after its publication."""
    for n in range(1, articles + 1):
        posted = to_db_time(NOW - timedelta(minutes=articles - n, seconds=-30))
        yield (n, "example_news", "posted", "@example_news", n, posted, to_db_time(NOW))


def favorite_rows(
    rng: random.Random, articles: int, favorites: int
) -> Iterator[tuple[object, ...]]:
    """`favorites` distinct (user, article) saves, each some minutes after the post."""
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < favorites:
        pairs.add((rng.randrange(USERS), rng.randint(1, articles)))
    for user, article in pairs:
        stamp = saved_at(article, articles)
        yield (user, article, stamp, stamp)


def insert(table: str, columns: tuple[str, ...]) -> str:
    """A plain INSERT of `columns` for sqlite3."""
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def build(path: Path, articles: int, favorites: int) -> None:
    """Fill the store with plain sqlite3 (setup speed only; the bench reads through our code)."""
    asyncio.run(migrate_only(path))
    rng = random.Random(1)
    words = vocabulary(rng)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    conn.executemany(insert("articles", ARTICLE_COLUMNS), article_rows(rng, words, articles))
    conn.executemany(insert("deliveries", DELIVERY_COLUMNS), delivery_rows(articles))
    conn.executemany(
        insert("favorites", FAVORITE_COLUMNS), favorite_rows(rng, articles, favorites)
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


async def build_postgres(url: str, articles: int, favorites: int, *, reuse: bool) -> None:
    """The same rows into PostgreSQL with COPY (migrated by the real runner first)."""
    import asyncpg  # only the PostgreSQL path needs it

    server = urlsplit(url)
    name = server.path.lstrip("/")
    admin = await asyncpg.connect(server._replace(path="/postgres").geturl())
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    await (await Database.open(pg_settings(url).storage)).close()
    conn = await asyncpg.connect(url)
    try:
        held = await conn.fetchval("SELECT count(*) FROM articles")
        if held and reuse:
            print(f"reusing the {held} articles already in {name}")
            return
        if held:
            raise SystemExit(f"{name} already holds {held} articles: name an empty database, "
                             "or pass --reuse to measure them")  # fmt: skip
        rng = random.Random(1)
        words = vocabulary(rng)
        async with conn.transaction():
            await conn.copy_records_to_table(
                "articles", records=article_rows(rng, words, articles), columns=ARTICLE_COLUMNS
            )
            await conn.copy_records_to_table(
                "deliveries", records=delivery_rows(articles), columns=DELIVERY_COLUMNS
            )
            await conn.copy_records_to_table(
                "favorites",
                records=favorite_rows(rng, articles, favorites),
                columns=FAVORITE_COLUMNS,
            )
            await conn.execute(
                "SELECT setval(pg_get_serial_sequence('articles', 'id'), max(id)) FROM articles"
            )
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def saved_at(article: int, articles: int) -> str:
    """A save some minutes after the article's post (article n is posted n minutes in)."""
    return to_db_time(
        NOW - timedelta(minutes=articles - article) + timedelta(minutes=article % 90)
    )


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1000, p99 * 1000


async def timed(calls: list[Callable[[], Awaitable[object]]]) -> list[float]:
    """The latency of each call, one after another."""
    samples = []
    for call in calls:
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


Call = Callable[[], Awaitable[object]]


class Ticking:
    """A clock 31 s later at every reading: no cache (5 s /latest, 30 s /popular) ever answers,
    and a case's 500 readings stay within the day the store was built for."""

    def __init__(self) -> None:
        self._readings = 0

    def restart(self) -> None:
        """Back to the store's moment."""
        self._readings = 0

    def __call__(self) -> datetime:
        self._readings += 1
        return NOW + timedelta(seconds=31 * self._readings)


def favorites_call(favorites: FavoritesService, rng: random.Random) -> Call:
    """A /favorites page of a random user (mostly the first page)."""
    user, page = rng.randrange(USERS), rng.choice([0, 0, 0, 1])
    return lambda: favorites.page(user, page)


def latest_call(news: NewsQueryService, rng: random.Random) -> Call:
    """A /latest page, of everything or of one category."""
    category, page = rng.choice([None, *CATEGORIES]), rng.choice([0, 0, 1, 2, 5])
    return lambda: news.latest(page, category)


def popular_call(news: NewsQueryService) -> Call:
    """/popular: the most saved of the last 24 hours (~1,440 posts; never cached)."""
    return lambda: news.popular(None)


def top_call(desk: InsightDesk, rng: random.Random) -> Call:
    """An editor's /top, of today or of the week (the week: ~10,000 posts with their saves)."""
    args = rng.choice(["", "week"])
    return lambda: desk.top(EDITOR, args)


def search_call(news: NewsQueryService, rng: random.Random, words: list[str]) -> Call:
    """One to three words, from the commonest twenty to the rarest."""
    pool = words[: rng.choice([20, 500, len(words)])]
    query = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 3)))
    return lambda: news.search(query)


def settings_for(storage: dict[str, str]) -> Settings:
    """The bench's configuration with this `[storage]` table."""
    return parse_settings(
        {
            "telegram": {"token": "1:x", "channel": "@example_news", "admins": [EDITOR.id]},
            "storage": storage,
        }
    )


def pg_settings(url: str) -> Settings:
    """The configuration for a PostgreSQL store."""
    return settings_for({"url": url})


async def run_cases(cases: dict[str, list[Call]], clock: Ticking) -> dict[str, float]:
    """p50 and p99 of each case, after a warm-up."""
    figures: dict[str, float] = {}
    for name, calls in cases.items():
        clock.restart()  # every case reads the same store at the same moments
        await timed(calls[:20])  # warm the page cache
        p50, p99 = percentiles(await timed(calls))
        figures[f"{name}_p50_ms"], figures[f"{name}_p99_ms"] = p50, p99
    return figures


async def measure(path: Path, queries: int) -> dict[str, float]:
    """Query the built SQLite store through the real services."""
    settings = settings_for({"path": str(path)})
    db = await Database.open(path)
    clock = Ticking()
    services = await open_subscriber_services(db, settings, clock)
    desk = InsightDesk(db=db, settings=settings, editors=Editors((EDITOR.id,)), clock=clock)
    rng = random.Random(2)
    words = vocabulary(random.Random(1))
    try:
        cases = {
            "favorites": [favorites_call(services.favorites, rng) for _ in range(queries)],
            "latest": [latest_call(services.news, rng) for _ in range(queries)],
            "search": [search_call(services.news, rng, words) for _ in range(queries)],
            "popular": [popular_call(services.news) for _ in range(queries // 5)],
            "top": [top_call(desk, rng) for _ in range(queries // 10)],
        }
        figures = await run_cases(cases, clock)
    finally:
        await services.close()
        await db.close()
    return figures | memory()


async def measure_postgres(url: str, queries: int) -> dict[str, float]:
    """Query the built PostgreSQL store through the same services, the same calls in order."""
    settings = pg_settings(url)
    db = await Database.open(settings.storage)
    clock = Ticking()
    news = NewsQueryService(db, clock, reader_editions(settings.channels))
    favorites = FavoritesService(db, SubscriberWriter(db, clock))  # (the writer is idle)
    desk = InsightDesk(db=db, settings=settings, editors=Editors((EDITOR.id,)), clock=clock)
    rng = random.Random(2)
    words = vocabulary(random.Random(1))
    try:
        cases = {
            "favorites": [favorites_call(favorites, rng) for _ in range(queries)],
            "latest": [latest_call(news, rng) for _ in range(queries)],
            "search": [search_call(news, rng, words) for _ in range(queries)],
            "popular": [popular_call(news) for _ in range(queries // 5)],
            "top": [top_call(desk, rng) for _ in range(queries // 10)],
        }
        figures = await run_cases(cases, clock)
    finally:
        await db.close()
    return figures | memory()


def memory() -> dict[str, float]:
    """This process's memory now and at its peak, in MB."""
    rss_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return {
        "rss_mb": rss_pages * resource.getpagesize() / 2**20,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    """Build (in a child process), then measure."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--favorites", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--store", help="postgresql://… (default: a SQLite file in a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="measure what --store holds")
    parser.add_argument("--build")
    args = parser.parse_args()
    if args.build:
        build(Path(args.build), args.articles, args.favorites)
        return
    sizes = f"articles={args.articles} favorites={args.favorites}"
    if args.store:
        started = time.perf_counter()
        asyncio.run(build_postgres(args.store, args.articles, args.favorites, reuse=args.reuse))
        print(f"built in {time.perf_counter() - started:.0f} s")
        figures = asyncio.run(measure_postgres(args.store, args.queries))
        print(f"engine=postgres {sizes} " + " ".join(f"{k}={v:.2f}" for k, v in figures.items()))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "queries.sqlite3"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--build", str(path), "--articles", str(args.articles),
             "--favorites", str(args.favorites)],
            check=True,
        )  # fmt: skip
        print(f"built in {time.perf_counter() - started:.0f} s")
        figures = asyncio.run(measure(path, args.queries))
    print(f"engine=sqlite {sizes} " + " ".join(f"{k}={v:.2f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
