"""The configuration contract: the example validates, every bad case names its problem."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_settings
from bot.domain.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
GOOD = """
[telegram]
token = "123456:ABC-def_ghi"
channel = "@example_news"
admins = [111]
[storage]
path = "data/news.sqlite3"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    shutil.copy(ROOT / "config.example.toml", config)
    assert main(["--config", str(config), "check-config"]) == 0
    out = capsys.readouterr().out
    assert "@example_news" in out
    assert "123456:***" in out
    assert "replace-me" not in out  # the token's secret part is never printed


def test_relative_storage_path_is_relative_to_config(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, GOOD))
    assert settings.storage.path == tmp_path / "data" / "news.sqlite3"
    assert settings.telegram.chat_id == "@example_news"


def test_token_from_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_TOKEN", "999:from-env")
    text = GOOD.replace('token = "123456:ABC-def_ghi"\n', "")
    settings = load_settings(write(tmp_path, text))
    assert settings.telegram.token.get_secret_value() == "999:from-env"


def test_config_path_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSDESK_CONFIG", str(write(tmp_path, GOOD)))
    assert main(["check-config"]) == 0
    assert "OK" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[telegram\n", "invalid TOML"),
        ("[telegram]\nchannel = = 1\n", "line 2"),
        (GOOD + "[site]\ntimezon = 'UTC'\n", "site.timezon: unknown key"),
        (GOOD + "[publishing]\ninterval_seconds = 'often'\n", "publishing.interval_seconds"),
        (GOOD + "[site]\ntimezone = 'Mars/Olympus'\n", "unknown time zone 'Mars/Olympus'"),
        (GOOD.replace("@example_news", "example news"), "telegram.channel: expected @username"),
        (GOOD.replace("@example_news", "@ab"), "telegram.channel"),
        (GOOD.replace("[111]", "[777000]"), "telegram.admins"),
        (
            GOOD.replace("123456:ABC-def_ghi", "not-a-token"),
            "telegram.token: expected a bot token",
        ),
        ("[storage]\npath = 'x'\n", "telegram: required key is missing"),
        (GOOD + "[[sources]]\nname='a'\nurl='ftp://x'\n", "sources[0].url"),
    ],
)
def test_bad_config_is_named_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    config = write(tmp_path, text)
    assert main(["--config", str(config), "check-config"]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err
    assert "not-a-token" not in err  # even a malformed token is not echoed


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("@example_news", "bad chan") + "[site]\ntimezone = 'Nowhere'\nx = 1\n"
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text))
    assert len(caught.value.problems) == 3


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(tmp_path / "nope.toml"), "check-config"]) == 2
    assert "config file not found" in capsys.readouterr().err


def test_empty_admins_warns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path, GOOD.replace("[111]", "[]"))
    assert main(["--config", str(config), "check-config"]) == 0
    assert "telegram.admins is empty" in capsys.readouterr().out


def test_console_script_help_and_module_entry() -> None:
    for command in (["--help"], ["run", "--help"], ["import", "--help"], ["check-config", "-h"]):
        done = subprocess.run(
            [sys.executable, "-m", "bot", *command], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        assert "usage: newsdesk" in done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "bot", "frobnicate"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "invalid choice" in done.stderr


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://[::1/feed", "cannot be parsed"),
        ("http://news.example:99999/feed", "port 99999 is out of range"),
        ("http://news.example:0/feed", "port 0 is out of range"),
        ("http://news.example:http/feed", "is not a number"),
        ("ftp://news.example/feed", "only http:// and https://"),
        ("news.example/feed", "only http:// and https://"),
        ("http:///feed", "no host"),
        ("https://:443/feed", "no host"),
        ("https://editor:secret@news.example/feed", "user name or password"),
        ("http://news example/feed", "spaces or control characters"),
        ("http://news..example/feed", "not a valid host name"),
        ("http://999.1.1.1/feed", "cannot be parsed"),
    ],
)
def test_a_source_url_that_cannot_be_fetched_is_refused_by_check_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, problem: str
) -> None:
    text = GOOD + f"[[sources]]\nname = 'site'\nurl = '{url}'\n"
    assert main(["--config", str(write(tmp_path, text)), "check-config"]) == 2
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if "sources[0].url" in line)
    assert problem in line
    assert "Traceback" not in err
    assert ":secret@" not in err  # a password in a URL is never echoed
