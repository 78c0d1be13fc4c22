"""`newsdesk import` with feeds, pages and text pages, into a real SQLite store."""

from __future__ import annotations

import codecs
import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.articles import ArticleService
from bot.ingest.importer import import_files
from sandbox.fakeapi import FakeTelegram
from storage.articles import ArticleRepository
from storage.database import Database

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Beirut")
StartBot = Any  # the `start_bot` fixture of tests/conftest.py


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
        count = await ArticleRepository(db.store).count()
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
        by_mtime = (await ArticleRepository(db.store).get(1)) if report.new == 1 else None
        explicit = NOW - timedelta(days=1)
        await import_files([page], service, tz=TZ, now=NOW, page_time=explicit)
        by_flag = await ArticleRepository(db.store).get(1)
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
        first = await ArticleRepository(db.store).get(1)
    finally:
        await db.close()
    assert report.new == 60
    assert first is not None and (first.hold_reason, first.published_at) == (None, NOW)


async def test_jsonl_lines_split_on_newline_bytes_only(tmp_path: Path) -> None:
    """U+2028, U+0085 and form feeds stay inside their line; a bad byte rejects its line alone."""
    lines = [
        codecs.BOM_UTF8 + b'{"guid": "g1", "title": "BOM on the first line"}',
        json.dumps(
            {"guid": "g2", "title": "Line\u2028separator", "summary": "a\u0085b\x0cc"}
        ).encode(),
        b'{"guid": "g3", "title": "Caf\xe9 in Latin-1"}',
        b'{"guid": "g4", "title": "Windows line end"}\r',
        b"",
        b"not json",
        json.dumps(
            {"guid": "g5", "title": "Para\u2029graph", "body": "x\u001cy\u001dz\u001ew"}
        ).encode(),
        b'{"guid": "g6", "title": "Last line, no newline"}',
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines))
    db = await Database.open(tmp_path / "t.sqlite3")
    try:
        report = await import_files([path], ArticleService(db, lambda: NOW), tz=TZ, now=NOW)
        repo = ArticleRepository(db.store)
        titles = [
            a.title for g in ("g1", "g2", "g4", "g5", "g6") if (a := await repo.get_by_guid(g))
        ]
        second = await repo.get_by_guid("g2")
    finally:
        await db.close()
    assert report.new == 5
    assert [(r.where, r.reason.split(" (")[0]) for r in report.rejections] == [
        (f"{path}:3", "not UTF-8 text"),
        (f"{path}:6", "not valid JSON"),
    ]
    assert titles == [
        "BOM on the first line",
        "Line\u2028separator",
        "Windows line end",
        "Para\u2029graph",
        "Last line, no newline",
    ]
    assert second is not None and second.summary == "a\u0085b\x0cc"


async def test_importing_a_file_twice_changes_nothing_when_lines_have_no_time(
    tmp_path: Path, fake: FakeTelegram, start_bot: StartBot
) -> None:
    """A line without published_at keeps the stored time: no edit of the channel post."""
    path = tmp_path / "undated.jsonl"
    path.write_text(
        json.dumps({"guid": "u-1", "url": "https://news.example/u/1", "title": "No time given"})
        + "\n",
        encoding="utf-8",
    )
    async with start_bot(publishing={"enabled": False, "max_posts_per_minute": 600}) as app:
        services = app.bot_data.services
        first = await import_files([path], services.articles, tz=TZ, now=datetime.now(UTC))
        assert first.new == 1
        assert len((await services.publisher.run_pass()).posted) == 1
        before = await ArticleRepository(services.db.store).get_by_guid("u-1")
        later = datetime.now(UTC) + timedelta(minutes=7)
        again = await import_files([path], services.articles, tz=TZ, now=later)
        await services.publisher.run_pass()
        after = await ArticleRepository(services.db.store).get_by_guid("u-1")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    assert after == before
    edits = [c for c in fake.calls if c.method.startswith("editMessage")]
    assert edits == []
