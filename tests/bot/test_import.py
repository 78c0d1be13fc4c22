"""`newsdesk import`: good, bad and repeated JSON Lines files, through the real CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main

CONFIG = """
[telegram]
token = "123456:ABC-def"
channel = "@example_news"
[storage]
path = "news.sqlite3"
[site]
timezone = "Asia/Beirut"
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def rows(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(tmp_path / "news.sqlite3") as conn:
        return conn.execute(sql).fetchall()


def jsonl(path: Path, *lines: object) -> Path:
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n",
        encoding="utf-8",
    )
    return path


GOOD = {
    "guid": "site-1",
    "url": "https://news.example/world/1",
    "title": "Russia, North Korea Strengthen Ties in Pyongyang Meeting",
    "category": "International News",
    "byline": "Staff, Agencies",
    "published_at": "2026-11-27T10:00:00",
    "summary": "Shoigu met Kim.",
    "body": "Paragraph one.\n\nParagraph two.",
    "image_url": "https://news.example/img/1.jpg",
    "language": "en",
}
ARABIC = {
    "url": "https://news.example/ar/2?utm_source=tg#top",
    "title": "روسيا وكوريا الشمالية تعززان العلاقات",
    "category": "أخبار دولية",
    "published_at": "2026-11-27T08:00:00Z",
    "language": "ar",
    "breaking": True,
}


def test_good_file_then_same_file_again(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = jsonl(tmp_path / "a.jsonl", GOOD, ARABIC)
    assert main(["--config", str(config), "import", str(data)]) == 0
    assert "new 2, updated 0, unchanged 0, rejected 0" in capsys.readouterr().out
    stored = rows(tmp_path, "SELECT guid, published_at, is_breaking FROM articles ORDER BY id")
    # Naive time is the site's zone (Beirut, UTC+2 in November); the URL is normalised.
    assert stored == [
        ("site-1", "2026-11-27T08:00:00.000Z", 0),
        ("https://news.example/ar/2", "2026-11-27T08:00:00.000Z", 1),
    ]
    assert main(["--config", str(config), "import", str(data)]) == 0
    assert "new 0, updated 0, unchanged 2, rejected 0" in capsys.readouterr().out
    assert rows(tmp_path, "SELECT count(*) FROM articles") == [(2,)]


def test_changed_article_is_updated_not_duplicated(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--config", str(config), "import", str(jsonl(tmp_path / "a.jsonl", GOOD))])
    changed = dict(GOOD, title="Corrected: Russia and North Korea strengthen ties")
    assert (
        main(["--config", str(config), "import", str(jsonl(tmp_path / "b.jsonl", changed))]) == 0
    )
    assert "new 0, updated 1" in capsys.readouterr().out
    assert rows(tmp_path, "SELECT title FROM articles") == [(changed["title"],)]


def test_bad_lines_are_named_and_good_ones_stored(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--config", str(config), "import", str(jsonl(tmp_path / "first.jsonl", GOOD))])
    capsys.readouterr()
    bad = jsonl(
        tmp_path / "bad.jsonl",
        "{not json",
        {"url": "https://news.example/x"},
        {"title": "No identity"},
        {"title": "Bad date", "guid": "g", "published_at": "yesterday-ish"},
        {"title": "Bad link", "url": "javascript:alert(1)"},
        "[1, 2]",
        dict(GOOD, guid="site-2", title="Another good one"),
        "",
    )
    assert main(["--config", str(config), "import", str(bad)]) == 1
    captured = capsys.readouterr()
    assert "new 1, updated 0, unchanged 0, rejected 6" in captured.out
    for number, reason in [
        (1, "not valid JSON"),
        (2, "title: required"),
        (3, "needs a guid or a url"),
        (4, "published_at"),
        (5, "url: must be an http:// or https:// URL"),
        (6, "expected a JSON object"),
    ]:
        assert f"bad.jsonl:{number}: {reason}" in captured.err
    assert "Traceback" not in captured.err
    # What was stored before is intact, the good line of the bad file is added.
    assert rows(tmp_path, "SELECT guid, title FROM articles ORDER BY id") == [
        ("site-1", GOOD["title"]),
        ("site-2", "Another good one"),
    ]


def test_missing_and_unknown_files_are_rejections(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "notes.docx"
    other.write_bytes(b"PK")
    code = main(["--config", str(config), "import", str(tmp_path / "gone.jsonl"), str(other)])
    assert code == 1
    err = capsys.readouterr().err
    assert "gone.jsonl: cannot read" in err
    assert "unsupported file type '.docx'" in err


def test_not_utf8_file(tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes('{"title": "Caf\xe9", "guid": "c"}\n'.encode("latin-1"))
    assert main(["--config", str(config), "import", str(path)]) == 1
    assert "not UTF-8" in capsys.readouterr().err


def test_imported_links_are_stored_without_tracking_and_keep_their_key(
    tmp_path: Path, config: Path
) -> None:
    """Issue 10 item 14: dedupe already ignored utm_*, but the stored link kept it."""
    line = {
        "url": "https://news.example/story-3.html?id=3&utm_source=rss&utm_medium=feed&fbclid=x",
        "title": "Story three",
        "published_at": "2026-11-27T08:00:00Z",
    }
    assert main(["--config", str(config), "import", str(jsonl(tmp_path / "a.jsonl", line))]) == 0
    assert rows(tmp_path, "SELECT guid, url FROM articles") == [
        ("https://news.example/story-3.html?id=3", "https://news.example/story-3.html?id=3")
    ]
