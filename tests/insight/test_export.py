"""`newsdesk report`: the real CLI on a real store, its CSV and JSON, windows, errors, pipes."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.articles import ArticleService
from bot.cli import main
from bot.domain import ArticleDraft, LeaseHolder
from bot.domain.insight import PostStats
from bot.insight.export import COLUMNS, csv_row, json_object
from storage.database import Database
from storage.deliveries import DeliveryRepository
from storage.favorites import FavoriteRepository
from storage.insight import InsightRepository
from storage.lease import LeaseRepository

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
READERS = [731337001, 731337002, 731337003]  # distinctive: must never appear in a report
CONFIG = """
[telegram]
token = "123456:TEST-token-not-real"
admins = [4242]
[storage]
path = "news.sqlite3"
[site]
timezone = "Asia/Beirut"
[[channels]]
chat = "@example_news"
name = "news"
[[channels]]
chat = "@example_news_ar"
name = "ar"
language = "ar"
"""


def write_config(tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return config


async def post(
    db: Database,
    guid: str,
    *,
    channel: str,
    at: datetime,
    message_id: int,
    category: str | None = "World",
    language: str | None = "en",
) -> int:
    """Store an article published 10 minutes 30 seconds before `at` and post it in `channel`."""
    draft = ArticleDraft(
        guid=guid, url=f"https://news.example/{guid}", title=f"Story {guid}",
        category=category, language=language, published_at=at - timedelta(seconds=630),
    )  # fmt: skip
    [stored] = await ArticleService(db, lambda: at).store([draft])
    article_id = stored.article.id
    async with db.write() as conn:
        deliveries = DeliveryRepository(conn)
        await deliveries.ensure(article_id, channel=channel, now=at)
        await deliveries.claim(article_id, channel=channel, now=at)
        await deliveries.mark_posted(
            article_id, channel=channel, chat_id=f"@{channel}", message_id=message_id,
            has_photo=False, content_hash="h", now=at,
        )  # fmt: skip
    return article_id


@pytest.fixture
async def site(tmp_path: Path) -> Path:
    """A config and a store with three posts in two channels and readers' saves on them."""
    config = write_config(tmp_path)
    db = await Database.open(tmp_path / "news.sqlite3")
    try:
        first = await post(db, "g-1", channel="news", at=NOW, message_id=7)
        await post(
            db, "=HYPERLINK(\"x\")", channel="ar", at=NOW + timedelta(hours=2), message_id=3,
            category="-سياسة", language="ar",
        )  # fmt: skip
        async with db.write() as conn:
            deliveries = DeliveryRepository(conn)
            await deliveries.ensure(first, channel="ar", now=NOW)
            await deliveries.claim(first, channel="ar", now=NOW)
            await deliveries.mark_posted(
                first, channel="ar", chat_id="@ar", message_id=2, has_photo=False,
                content_hash="h", now=NOW + timedelta(minutes=1),
            )  # fmt: skip
            await deliveries.mark_corrected(
                first, channel="news", content_hash="h2", edited=True, now=NOW
            )
            favorites = FavoriteRepository(conn)
            saved = [(reader, first) for reader in READERS]
            await favorites.save_pairs(saved, now=NOW + timedelta(minutes=5))
            await favorites.toggle_pairs([saved[2]], now=NOW + timedelta(minutes=6))  # removed
            await InsightRepository(conn).record_reactions("news", 7, {"👍": 4, "🔥": 1}, at=NOW)
    finally:
        await db.close()
    return config


def report(config: Path, *options: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["--config", str(config), "report", *options]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


def test_csv_has_the_header_and_one_row_per_post_with_its_figures(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = report(site, capsys=capsys)
    assert out.splitlines() == [
        ",".join(COLUMNS),
        "1,g-1,news,7,2026-12-03T11:49:30Z,2026-12-03T12:00:00Z,630,World,en,2,5,1,0,3",
        "1,g-1,ar,2,2026-12-03T11:49:30Z,2026-12-03T12:01:00Z,690,World,en,2,0,0,0,3",
        # Formula-looking text gets a leading ' (CSV injection); the quote is CSV's own.
        '2,"\'=HYPERLINK(""x"")",ar,3,2026-12-03T13:49:30Z,2026-12-03T14:00:00Z,630,'
        "'-سياسة,ar,0,0,0,0,0",
    ]
    assert next(csv.DictReader(io.StringIO(out)))["reactions_total"] == "5"


def test_json_is_one_valid_array_with_the_same_posts_and_raw_text(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = report(site, "--format", "json", capsys=capsys)
    rows = json.loads(out)
    assert out.startswith("[\n{") and out.endswith("}\n]\n")
    assert len(out.splitlines()) == 2 + len(rows)  # one object per line
    assert [list(row) for row in rows] == [list(COLUMNS)] * 3
    assert rows[0] == {
        "article_id": 1, "guid": "g-1", "channel": "news", "message_id": 7,
        "published_at": "2026-12-03T11:49:30Z", "posted_at": "2026-12-03T12:00:00Z",
        "lag_seconds": 630, "category": "World", "language": "en", "saves": 2,
        "reactions_total": 5, "corrected": True, "retracted": False, "saves_first_hour": 3,
    }  # fmt: skip
    assert (rows[2]["guid"], rows[2]["category"]) == ('=HYPERLINK("x")', "-سياسة")
    csv_rows = list(csv.DictReader(io.StringIO(report(site, capsys=capsys))))
    assert [str(row["lag_seconds"]) for row in rows] == [r["lag_seconds"] for r in csv_rows]


def test_a_story_the_site_marked_retracted_says_so(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def retract_on_the_site() -> None:  # the site writes `articles` itself
        db = await Database.open(site.parent / "news.sqlite3")
        try:
            await db.store.execute("UPDATE articles SET retracted_at = '2026-12-03T13:00:00Z'")
        finally:
            await db.close()

    asyncio.run(retract_on_the_site())
    rows = json.loads(report(site, "--format", "json", capsys=capsys))
    assert [row["retracted"] for row in rows] == [True] * 3


def test_an_empty_window_is_a_header_or_an_empty_array(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report(site, "--since", "2027-01-01", capsys=capsys) == ",".join(COLUMNS) + "\n"
    assert report(site, "--since", "2027-01-01", "--format", "json", capsys=capsys) == "[]\n"


def test_window_and_channel_filters(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def posts(*options: str) -> list[tuple[int, str]]:
        rows = json.loads(report(site, "--format", "json", *options, capsys=capsys))
        return [(row["article_id"], row["channel"]) for row in rows]

    everything = [(1, "news"), (1, "ar"), (2, "ar")]
    assert posts() == everything
    assert posts("--channel", "ar") == [(1, "ar"), (2, "ar")]
    assert posts("--since", "2026-12-03T12:00:00Z", "--until", "2026-12-03T12:01:00Z") == [
        (1, "news")  # since inclusive, until exclusive
    ]
    assert posts("--since", "2026-12-03T14:00:30+02:00") == everything[1:]  # 12:00:30 UTC
    assert posts("--until", "2026-12-03T12:00:00.001Z", "--channel", "news") == [(1, "news")]


def test_dates_are_days_in_the_site_zone(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Beirut is UTC+2 in December: 21:59 UTC is still the 3rd there, 22:00 UTC is the 4th.
    async def post_around_midnight() -> None:
        db = await Database.open(site.parent / "news.sqlite3")
        try:
            late = datetime(2026, 12, 3, 21, 59, tzinfo=UTC)
            await post(db, "late-3rd", channel="news", at=late, message_id=20)
            await post(
                db, "early-4th", channel="news", at=late + timedelta(minutes=1), message_id=21
            )
        finally:
            await db.close()

    asyncio.run(post_around_midnight())

    def guids(*options: str) -> list[str]:
        rows = json.loads(report(site, "--format", "json", *options, capsys=capsys))
        return [row["guid"] for row in rows if row["guid"] in ("late-3rd", "early-4th")]

    assert guids("--until", "2026-12-04") == ["late-3rd"]
    assert guids("--since", "2026-12-04") == ["early-4th"]
    assert guids("--since", "2026-12-04T00:00") == ["early-4th"]  # no offset: the site's zone
    assert guids("--since", "2026-12-03T22:00Z") == ["early-4th"]
    assert guids("--since", "2026-12-03", "--until", "2026-12-03") == []  # empty, not an error


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--since", "yesterday"], "argument --since: not a date (YYYY-MM-DD) or an ISO 8601"),
        (["--until", "2026-13-01"], "argument --until: not a date"),
        (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
    ],
)
def test_bad_options_are_one_clear_line_and_exit_2(
    site: Path, capsys: pytest.CaptureFixture[str], options: list[str], expected: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--config", str(site), "report", *options])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert expected in captured.err and "Traceback" not in captured.err
    assert captured.out == ""


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--since", "2026-12-04", "--until", "2026-12-03T12:00Z"],
            "newsdesk: --since 2026-12-04T00:00:00+02:00 is after --until "
            "2026-12-03T12:00:00+00:00\n",
        ),
        (["--channel", "sport"], "newsdesk: unknown channel 'sport': the channels are news, ar\n"),
    ],
)
def test_a_reversed_window_or_an_unknown_channel_exits_2(
    site: Path, capsys: pytest.CaptureFixture[str], options: list[str], expected: str
) -> None:
    capsys.readouterr()
    assert main(["--config", str(site), "report", *options]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", expected)


def test_a_missing_store_is_named_and_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    assert main(["--config", str(config), "report"]) == 2
    assert "no store at" in capsys.readouterr().err
    assert not (tmp_path / "news.sqlite3").exists()


def test_it_reads_beside_a_running_bot_and_leaves_its_lease_alone(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def lease(take: bool) -> LeaseHolder | None:
        db = await Database.open(site.parent / "news.sqlite3")
        try:
            if take:  # as `newsdesk run` does; this process stays alive, so the lease holds
                async with db.write() as conn:
                    await LeaseRepository(conn, ttl=timedelta(minutes=1)).acquire(NOW)
            return await LeaseRepository(db.store, ttl=timedelta(minutes=1)).current()
        finally:
            await db.close()

    holder = asyncio.run(lease(take=True))
    assert holder is not None
    assert len(report(site, capsys=capsys).splitlines()) == 4
    assert asyncio.run(lease(take=False)) == holder


def test_no_reader_id_appears_in_any_format(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt in ("csv", "json"):
        out = report(site, "--format", fmt, capsys=capsys)
        assert not any(str(reader) in out for reader in READERS)
        assert "4242" not in out  # nor an editor's


def test_a_reader_that_leaves_early_ends_the_report_quietly(tmp_path: Path) -> None:
    """`newsdesk report | head -1`: the rest is not wanted; no traceback, exit 0."""
    config = write_config(tmp_path)

    async def many_posts() -> None:  # enough to fill the pipe: the writer meets the closed end
        db = await Database.open(tmp_path / "news.sqlite3")
        try:
            drafts = [
                ArticleDraft(guid=f"g-{n}", title=f"Story {n}", published_at=NOW)
                for n in range(3000)
            ]
            stored = await ArticleService(db, lambda: NOW).store(drafts)
            async with db.write() as conn:
                deliveries = DeliveryRepository(conn)
                for n, item in enumerate(stored):
                    await deliveries.ensure(item.article.id, channel="news", now=NOW)
                    await deliveries.claim(item.article.id, channel="news", now=NOW)
                    await deliveries.mark_posted(
                        item.article.id, channel="news", chat_id="@news", message_id=n + 1,
                        has_photo=False, content_hash="h", now=NOW,
                    )  # fmt: skip
        finally:
            await db.close()

    asyncio.run(many_posts())
    for fmt in ("csv", "json"):
        with subprocess.Popen(
            [sys.executable, "-m", "bot", "--config", str(config), "report", "--format", fmt],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as child:
            assert child.stdout is not None and child.stderr is not None
            first = child.stdout.readline()
            child.stdout.close()  # as `head -1` does after its line
            errors = child.stderr.read()
            assert child.wait(timeout=60) == 0, errors
        assert first.startswith(b"article_id," if fmt == "csv" else b"[")
        assert errors == b""


UNKNOWNS = PostStats(
    article_id=5, guid="@home", title="T", url=None, category=None, language=None,
    published_at=None, channel="-100123", chat_id=None, message_id=None,
    posted_at=datetime(2026, 12, 3, 12, 0, 0, 999000, tzinfo=UTC),
    saves=0, saves_first_hour=0, reactions=0, corrections=3, retracted=True,
)  # fmt: skip


def test_unknown_values_are_empty_in_csv_and_null_in_json() -> None:
    post = UNKNOWNS
    assert csv_row(post) == [
        5, "'@home", "-100123", None, None, "2026-12-03T12:00:00Z", None, None, None,
        0, 0, 1, 1, 0,
    ]  # fmt: skip
    assert json_object(post)["lag_seconds"] is None
    assert json_object(post)["guid"] == "@home"
    later = replace(post, published_at=datetime(2026, 12, 3, 11, 59, 58, 500000, tzinfo=UTC))
    assert json_object(later)["lag_seconds"] == 2  # whole seconds, rounded down
