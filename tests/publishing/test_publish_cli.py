"""`newsdesk publish` and `publish --dry-run` through the real CLI against the fake Bot API."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from sandbox.fakeapi import FakeTelegram
from tests.support import CHANNEL_ID


def setup_site(tmp_path: Path, fake: FakeTelegram) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[telegram]
token = "123456:TEST-token-not-real"
api_base_url = "{fake.base_url}"
channel = "@example_news"
admins = [4242]
[storage]
path = "news.sqlite3"
[site]
language = "ar"
[publishing]
max_posts_per_minute = 600
""",
        encoding="utf-8",
    )
    now = datetime.now(UTC)
    lines = [
        {
            "guid": "ar-1",
            "url": "https://news.example/ar/1",
            "title": "روسيا وكوريا الشمالية تعززان العلاقات",
            "category": "أخبار دولية",
            "language": "ar",
            "summary": "2024 كان عاماً حافلاً.",
            "published_at": (now - timedelta(minutes=5)).isoformat(),
        },
        {
            "guid": "en-1",
            "url": "https://news.example/en/1?utm_source=x",
            "title": 'Markets <rally> & "surge"',
            "category": "Business",
            "image_url": "https://news.example/img/m.jpg",
            "published_at": (now - timedelta(minutes=1)).isoformat(),
        },
    ]
    data = tmp_path / "articles.jsonl"
    data.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    assert main(["--config", str(config), "import", str(data)]) == 0
    return config


def test_dry_run_shows_posts_and_sends_nothing(
    tmp_path: Path, fake: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    config = setup_site(tmp_path, fake)
    capsys.readouterr()
    assert main(["--config", str(config), "publish", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "2 post(s) would go out now" in out
    assert "#أخبار_دولية" in out
    assert 'Markets <rally> & "surge"' in out  # shown as readers see it, not as HTML
    assert "[photo: https://news.example/img/m.jpg]" in out
    assert "[⭐ حفظ]" in out  # the channel's buttons in its language (the site's, Arabic)
    assert fake.calls_of("sendMessage") == [] and fake.calls_of("sendPhoto") == []
    with sqlite3.connect(tmp_path / "news.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM deliveries").fetchone() == (0,)


def test_publish_posts_once_and_rtl_reads_right_to_left(
    tmp_path: Path, fake: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    config = setup_site(tmp_path, fake)
    assert main(["--config", str(config), "publish"]) == 0
    assert "posted 2" in capsys.readouterr().out
    arabic, english = fake.messages(CHANNEL_ID)
    assert arabic.text is not None and arabic.text.startswith("روسيا")
    # The lead starts with a digit: it gets a right-to-left mark so it lays out right-to-left.
    assert "\n\u200f2024" in arabic.text
    assert english.caption is not None
    assert english.caption.startswith('Markets <rally> & "surge"')
    assert main(["--config", str(config), "publish"]) == 0
    assert "posted 0" in capsys.readouterr().out
    assert len(fake.messages(CHANNEL_ID)) == 2
