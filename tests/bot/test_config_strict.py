"""Config values are taken as written: no coerced ids, no service accounts, no token shown.

Through the real CLI (`check-config`), as an operator runs it; stdout and stderr are searched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import NEVER_ADMINS
from tests.support import OTHER_TOKEN, REALISTIC_TOKEN

TOKEN = REALISTIC_TOKEN
SECRET = TOKEN.split(":", 1)[1]
GOOD = f"""
[telegram]
token = "{TOKEN}"
channel = "@example_news"
admins = [4242]
"""


def check_config(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    code = main(["--config", str(config), "check-config"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(
    ("admins", "bad"),
    [
        ("[true, 4242.0]", "true"),
        ("[4242.0]", "4242.0"),
        ("[4242, false]", "false"),
        ('["4242"]', "'4242'"),
        ("[4242.5]", "4242.5"),
    ],
)
def test_admin_ids_must_be_whole_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], admins: str, bad: str
) -> None:
    code, output = check_config(tmp_path, GOOD.replace("[4242]", admins), capsys)
    assert code == 2, output
    assert "telegram.admins" in output
    assert "expected a whole number" in output
    assert f"(got {bad})" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("[publishing]\ninterval_seconds = true", "publishing.interval_seconds"),
        ("[publishing]\ninterval_seconds = 30.0", "publishing.interval_seconds"),
        ("[publishing]\nenabled = 1", "publishing.enabled"),
        ("request_timeout_seconds = true", "telegram.request_timeout_seconds"),  # in [telegram]
    ],
)
def test_numbers_and_switches_are_not_coerced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, key: str
) -> None:
    code, output = check_config(tmp_path, GOOD + extra + "\n", capsys)
    assert code == 2, output
    assert f"{key}: expected" in output


# Telegram's own accounts (tdlib's UserManager, core.telegram.org/api/peers): the "Telegram"
# service notifications, its official account, verification codes, GroupAnonymousBot,
# Channel_Bot, Replies and Anti-Spam.
SERVICE_IDS = [777000, 42777, 489000, 1087968824, 136817688, 1271266957, 5434988373]


@pytest.mark.parametrize("service_id", SERVICE_IDS)
def test_every_telegram_service_id_is_refused_as_editor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], service_id: int
) -> None:
    code, output = check_config(tmp_path, GOOD.replace("[4242]", f"[4242, {service_id}]"), capsys)
    assert code == 2, output
    assert "telegram.admins" in output
    assert str(service_id) in output


def test_the_service_ids_are_one_named_set() -> None:
    assert set(SERVICE_IDS) == NEVER_ADMINS  # the handlers' access check uses the same set


@pytest.mark.parametrize(
    "url",
    [
        f"https://api.telegram.org/bot{TOKEN}",
        f"https://api.telegram.org/bot{OTHER_TOKEN}/",
        "https://api.telegram.org/bot{token}?t=" + OTHER_TOKEN.replace(":", "%3A"),
    ],
)
def test_check_config_redacts_a_token_pasted_into_the_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    text = GOOD.replace("admins", f'api_base_url = "{url}"\nadmins')
    code, output = check_config(tmp_path, text, capsys)
    assert code == 0, output
    assert "telegram.api_base_url   https://api.telegram.org/bot" in output
    for secret in (SECRET, OTHER_TOKEN.split(":", 1)[1]):
        assert secret not in output


@pytest.mark.parametrize(
    "line",
    [
        f'api_base_url = "ftp://api.telegram.org/bot{OTHER_TOKEN}"',
        f'api_base_url = "ftp://host/bot{TOKEN}"',  # the configured token, echoed back
        f'channel = "{TOKEN}"',
        f'"{OTHER_TOKEN}" = 1',  # an unknown key that is a token
        f'max_requests_per_second = "{OTHER_TOKEN}"',
    ],
)
def test_config_errors_never_echo_a_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str
) -> None:
    text = GOOD.replace('channel = "@example_news"\n', "") if line.startswith("channel") else GOOD
    code, output = check_config(tmp_path, text + line + "\n", capsys)
    assert code == 2, output
    assert "telegram." in output  # the key is still named
    for secret in (SECRET, OTHER_TOKEN.split(":", 1)[1]):
        assert secret not in output
