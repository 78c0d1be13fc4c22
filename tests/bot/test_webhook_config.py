"""`[webhook]`: its defaults, what it refuses (naming the key), and the secret never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_settings
from bot.domain.errors import ConfigError

GOOD = """
[telegram]
token = "123456:ABC-def_ghi"
channel = "@example_news"
admins = [111]
[webhook]
url = "https://bot.news.example/telegram"
"""
SECRET = "Hook_secret-4242"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_the_secret_from_the_file(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, GOOD + f'secret_token = "{SECRET}"\n'))
    hook = settings.webhook
    assert hook is not None
    assert (hook.listen, hook.port, hook.path, hook.max_connections) == (
        "127.0.0.1",
        8443,
        "/telegram",
        40,
    )
    assert hook.secret() == SECRET


def test_no_section_means_polling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_WEBHOOK_SECRET", SECRET)  # alone, it turns nothing on
    text = GOOD.split("[webhook]", maxsplit=1)[0]
    assert load_settings(write(tmp_path, text)).webhook is None


def test_the_environment_gives_or_overrides_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_WEBHOOK_SECRET", SECRET)
    for text in (GOOD, GOOD + 'secret_token = "from-file"\n'):
        hook = load_settings(write(tmp_path, text)).webhook
        assert hook is not None and hook.secret() == SECRET


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("", "secret_token is required: set webhook.secret_token or $NEWSDESK_WEBHOOK_SECRET"),
        ('secret_token = "has spaces in it"\n', "webhook.secret_token: expected 1-256"),
        (f'secret_token = "{"a" * 257}"\n', "webhook.secret_token: expected 1-256"),
        ('secret_token = ""\n', "webhook.secret_token: expected 1-256"),
        ("max_connections = 0\n", "webhook.max_connections"),
        ("max_connections = 101\n", "webhook.max_connections"),
        ("port = 0\n", "webhook.port"),
        ('listen = "localhost"\n', "webhook.listen: 'localhost' is not an IP address"),
        ('path = "telegram"\n', "webhook.path: expected a path such as /telegram"),
        ('path = "/metrics"\n', "webhook.path"),
        ("unknown = 1\n", "webhook.unknown: unknown key"),
    ],
)
def test_bad_webhook_settings_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, expected: str
) -> None:
    text = GOOD + extra
    if "secret_token" not in extra and extra:
        text += f'secret_token = "{SECRET}"\n'
    assert main(["--config", str(write(tmp_path, text)), "check-config"]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "has spaces in it" not in err  # a secret, even a malformed one, is not echoed


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://bot.news.example/telegram", True),
        ("https://bot.news.example:8443/hook", True),
        ("http://127.0.0.1:8443/telegram", True),  # the sandbox and tests: no network crossed
        ("http://localhost/telegram", True),
        ("http://[::1]:8443/telegram", True),
        ("http://bot.news.example/telegram", False),
        ("http://10.0.0.5/telegram", False),
        ("ftp://bot.news.example/telegram", False),
        ("https://user:pw@bot.news.example/telegram", False),
        ("bot.news.example/telegram", False),
    ],
)
def test_url_is_https_or_loopback_http(tmp_path: Path, url: str, ok: bool) -> None:
    text = GOOD.replace("https://bot.news.example/telegram", url) + f'secret_token = "{SECRET}"\n'
    if ok:
        hook = load_settings(write(tmp_path, text)).webhook
        assert hook is not None and hook.url == url
    else:
        with pytest.raises(ConfigError, match=r"webhook\.url"):
            load_settings(write(tmp_path, text))


def test_check_config_shows_the_webhook_but_not_its_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path, GOOD + f'secret_token = "{SECRET}"\nport = 9000\n')
    assert main(["--config", str(config), "check-config"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("webhook"))
    assert "https://bot.news.example/telegram → http://127.0.0.1:9000/telegram" in line
    assert "secret ***" in line
    assert SECRET not in out
