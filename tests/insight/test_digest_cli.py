"""`newsdesk digest` through the real CLI against the fake Bot API, on the real clock."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import parse_settings
from bot.domain.errors import ConfigError
from sandbox.fakeapi import FakeTelegram
from tests.support import CHANNEL_ID


def noon_zone() -> str:
    """A zone where it is now between 12:00 and 13:00, so "today" cannot end mid-test."""
    offset = 12 - datetime.now(UTC).hour
    if offset > 14:
        offset -= 24
    if offset < -12:
        offset += 24
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def setup_site(tmp_path: Path, fake: FakeTelegram, stories: int = 3) -> Path:
    """A site in a noon zone whose channel got `stories` posts today (`import` + `publish`)."""
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
timezone = "{noon_zone()}"
[publishing]
max_posts_per_minute = 600
""",
        encoding="utf-8",
    )
    now = datetime.now(UTC)
    lines = [
        {
            "guid": f"s-{n}",
            "url": f"https://news.example/{n}",
            "title": f"Story <{n}>",
            "published_at": (now - timedelta(minutes=10 - n)).isoformat(),
        }
        for n in range(stories)
    ]
    data = tmp_path / "articles.jsonl"
    data.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    assert main(["--config", str(config), "import", str(data)]) == 0
    assert main(["--config", str(config), "publish"]) == 0
    return config


def claims(tmp_path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(tmp_path / "news.sqlite3") as conn:
        return conn.execute("SELECT target, state FROM insight_sends").fetchall()


def channel_texts(fake: FakeTelegram) -> list[str]:
    return [m.text or "" for m in fake.messages(CHANNEL_ID)]


def test_dry_run_prints_the_digest_and_changes_nothing(
    tmp_path: Path, fake: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    config = setup_site(tmp_path, fake)
    capsys.readouterr()
    posts = len(channel_texts(fake))
    assert main(["--config", str(config), "digest", "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "--- example_news: 3 stories posted today ---"
    assert out[1].startswith("📰 Today's top stories · ")
    assert out[3:] == [  # the newest first: no saves or reactions yet
        "1. Story <2> — https://t.me/example_news/3",
        "2. Story <1> — https://t.me/example_news/2",
        "3. Story <0> — https://t.me/example_news/1",
    ]
    assert len(channel_texts(fake)) == posts and claims(tmp_path) == []


def test_digest_posts_once_then_says_it_was_sent(
    tmp_path: Path, fake: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    config = setup_site(tmp_path, fake)
    capsys.readouterr()
    assert main(["--config", str(config), "digest"]) == 0
    assert capsys.readouterr().out == "example_news: posted the digest (3 stories), message 4\n"
    assert channel_texts(fake)[-1].startswith("📰 Today's top stories")
    assert main(["--config", str(config), "digest", "--channel", "@example_news"]) == 0
    assert capsys.readouterr().out == "example_news: already sent today (message 4)\n"
    assert len(channel_texts(fake)) == 4 and claims(tmp_path) == [("example_news", "sent")]


def test_digest_under_three_stories_is_skipped(
    tmp_path: Path, fake: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    config = setup_site(tmp_path, fake, stories=2)
    capsys.readouterr()
    assert main(["--config", str(config), "digest", "--dry-run"]) == 0
    assert capsys.readouterr().out == "example_news: would skip: only 2 stories posted today\n"
    assert main(["--config", str(config), "digest"]) == 0
    assert capsys.readouterr().out == "example_news: skipped: only 2 stories posted today\n"
    assert len(channel_texts(fake)) == 2 and claims(tmp_path) == [("example_news", "skipped")]


def test_unknown_channel_is_a_usage_error(
    tmp_path: Path, fake: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    config = setup_site(tmp_path, fake)
    capsys.readouterr()
    assert main(["--config", str(config), "digest", "--channel", "sport"]) == 2
    captured = capsys.readouterr()
    assert captured.err == ("newsdesk: unknown channel 'sport': the channels are example_news\n")
    assert captured.out == "" and claims(tmp_path) == []


BASE = {"telegram": {"token": "1:abc", "channel": "@example_news"}}


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        (
            {"publishing": {"digest_at": "8:00"}},
            'publishing.digest_at: expected HH:MM in 24-hour time, such as "20:00" (or "off")',
        ),
        (
            {
                "telegram": {"token": "1:abc"},
                "channels": [{"chat": "@abcd", "digest_at": "24:00"}],
            },
            "channels[0].digest_at: expected HH:MM in 24-hour time",
        ),
        (
            {"telegram": {"token": "1:abc"}, "channels": [{"chat": "@abcd", "digest_at": 2000}]},
            "channels[0].digest_at: expected a string in quotes",
        ),
        (
            {"telegram": {"token": "1:abc"}, "channels": [{"chat": "@abcd", "digest_size": 2}]},
            "channels[0].digest_size: expected a whole number from 3 to 10",
        ),
        ({"publishing": {"digest_size": 11}}, "publishing.digest_size: expected a whole number"),
    ],
)
def test_bad_digest_settings_name_the_key(sections: dict[str, object], expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_settings({**BASE, **sections})
    assert any(problem.startswith(expected) for problem in raised.value.problems), (
        raised.value.problems
    )


def test_digest_settings_default_from_publishing_and_may_be_off() -> None:
    one = parse_settings({**BASE, "publishing": {"digest_at": "20:00"}})
    assert [(c.digest_at, c.digest_size) for c in one.channels] == [("20:00", 5)]
    several = parse_settings(
        {
            "telegram": {"token": "1:abc"},
            "publishing": {"digest_at": "20:00", "digest_size": 7},
            "channels": [
                {"chat": "@abcd"},
                {"chat": "@abcde", "digest_at": "off"},
                {"chat": "@abcdf", "digest_at": "06:30", "digest_size": 3},
            ],
        }
    )
    assert [(c.digest_at, c.digest_size) for c in several.channels] == [
        ("20:00", 7),
        (None, 7),
        ("06:30", 3),
    ]
    assert parse_settings(BASE).channels[0].digest_at is None  # no digest unless asked
