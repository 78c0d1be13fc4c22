"""/latest and /categories: a burst of readers shares one store read (single flight)."""

from __future__ import annotations

import asyncio

import aiosqlite
import pytest

from bot.subscribers import SubscriberServices
from storage.database import Database

from .conftest import add_article


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the SQL of every execute_fetchall made from now on."""
    seen: list[str] = []
    original = aiosqlite.Connection.execute_fetchall

    async def counted(self: aiosqlite.Connection, sql: str, *args: object) -> object:
        seen.append(sql)
        return await original(self, sql, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(aiosqlite.Connection, "execute_fetchall", counted)
    return seen


@pytest.mark.sqlite_only  # counts aiosqlite reads / reads SQLite's FTS and bm25
async def test_concurrent_latest_share_one_read(
    db: Database, subscribers: SubscriberServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [await add_article(db, f"Story {n}") for n in range(3)]
    reads = count_reads(monkeypatch)
    pages = await asyncio.gather(*(subscribers.news.latest(0) for _ in range(50)))
    assert len(reads) == 1
    assert all(page is pages[0] for page in pages)
    assert sorted(a.id for a in pages[0].items) == sorted(ids)
    # Another page or category is a read of its own; the first one stays cached.
    await asyncio.gather(subscribers.news.latest(1), subscribers.news.latest(0))
    assert len(reads) == 2


@pytest.mark.sqlite_only  # counts aiosqlite reads / reads SQLite's FTS and bm25
async def test_concurrent_categories_share_one_read(
    db: Database, subscribers: SubscriberServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add_article(db, "One", category="Sports")
    reads = count_reads(monkeypatch)
    found = await asyncio.gather(*(subscribers.news.categories() for _ in range(20)))
    assert len(reads) == 1
    assert [(c.name, c.count) for c in found[0]] == [("Sports", 1)]


@pytest.mark.sqlite_only  # counts aiosqlite reads / reads SQLite's FTS and bm25
async def test_a_failed_shared_read_reaches_every_waiter_and_is_retried(
    db: Database, subscribers: SubscriberServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add_article(db, "Story")
    original = aiosqlite.Connection.execute_fetchall
    calls = 0

    async def failing_once(self: aiosqlite.Connection, sql: str, *args: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise aiosqlite.OperationalError("disk I/O error")
        return await original(self, sql, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(aiosqlite.Connection, "execute_fetchall", failing_once)
    results = await asyncio.gather(
        *(subscribers.news.latest(0) for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, aiosqlite.OperationalError) for r in results)
    page = await subscribers.news.latest(0)
    assert [a.title for a in page.items] == ["Story"]
    assert calls == 2


async def test_a_cancelled_reader_does_not_cancel_the_others(
    db: Database, subscribers: SubscriberServices
) -> None:
    await add_article(db, "Story")
    first = asyncio.ensure_future(subscribers.news.latest(0))
    second = asyncio.ensure_future(subscribers.news.latest(0))
    await asyncio.sleep(0)
    first.cancel()
    page = await second
    assert [a.title for a in page.items] == ["Story"]
    assert first.cancelled()
