"""`newsdesk import` with feeds, pages and text pages, into a real SQLite store."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.articles import ArticleService
from bot.ingest.importer import import_files
from storage.articles import ArticleRepository
from storage.database import Database

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Beirut")


async def test_feeds_and_pages_import_and_reimport_unchanged(tmp_path: Path) -> None:
    files = [
        CORPUS / "feeds/bbc_urdu_rtl.xml",
        CORPUS / "feeds/daringfireball.json",
        CORPUS / "feeds/heise_developer.atom",
        CORPUS / "feeds/orf_at.rdf",
        CORPUS / "pages/lemonde_2015.html",
        CORPUS / "feeds/scriptingnews_rss_in_json.json",
    ]
    db = await Database.open(tmp_path / "t.sqlite3")
    try:
        service = ArticleService(db, lambda: NOW)
        first = await import_files(files, service, tz=TZ, now=NOW)
        again = await import_files(files, service, tz=TZ, now=NOW)
        count = await ArticleRepository(db.conn).count()
    finally:
        await db.close()
    assert first.new == 26 + 48 + 15 + 50 + 1 == count
    assert (again.new, again.updated, again.unchanged) == (0, 0, count)
    (rejected,) = first.rejections
    assert "scriptingnews_rss_in_json.json" in rejected.where
    assert "RSS-in-JSON" in rejected.reason


async def test_a_text_page_counts_relative_times_from_the_file_time(tmp_path: Path) -> None:
    page = tmp_path / "article-page.txt"
    shutil.copy(CORPUS / "site_sample_article-page.txt", page)
    saved = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
    os.utime(page, (saved.timestamp(), saved.timestamp()))
    db = await Database.open(tmp_path / "t.sqlite3")
    try:
        service = ArticleService(db, lambda: NOW)
        report = await import_files([page], service, tz=TZ, now=NOW)
        by_mtime = (await ArticleRepository(db.conn).get(1)) if report.new == 1 else None
        explicit = NOW - timedelta(days=1)
        await import_files([page], service, tz=TZ, now=NOW, page_time=explicit)
        by_flag = await ArticleRepository(db.conn).get(1)
    finally:
        await db.close()
    assert by_mtime is not None and by_flag is not None
    assert by_mtime.title == "Russia, North Korea Strengthen Ties in Pyongyang Meeting"
    assert by_mtime.published_at == saved - timedelta(days=60)
    assert by_flag.published_at == explicit - timedelta(days=60)  # same article, time updated


async def test_an_editor_importing_an_undated_feed_takes_its_items_as_published_now(
    tmp_path: Path,
) -> None:
    """Fetched from a source an undated feed is held; imported on purpose it is accepted."""
    db = await Database.open(tmp_path / "t.sqlite3")
    try:
        service = ArticleService(db, lambda: NOW)
        report = await import_files([CORPUS / "feeds/heise_rss090.rdf"], service, tz=TZ, now=NOW)
        first = await ArticleRepository(db.conn).get(1)
    finally:
        await db.close()
    assert report.new == 60
    assert first is not None and (first.hold_reason, first.published_at) == (None, NOW)
