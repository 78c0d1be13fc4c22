"""The message catalogue is complete in every language, and every key the code uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot import catalogue

ROOT = Path(__file__).resolve().parents[2]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("language", sorted(catalogue.MESSAGES))
def test_every_language_has_every_key_and_placeholder(language: str) -> None:
    english = catalogue.MESSAGES["en"]
    other = catalogue.MESSAGES[language]
    assert set(other) == set(english), set(other) ^ set(english)
    for key, template in english.items():
        assert placeholders(other[key]) == placeholders(template), key
        assert other[key].strip(), key


def test_plain_text_keys_hold_no_markup() -> None:
    for table in catalogue.MESSAGES.values():
        for key, value in table.items():
            if key.startswith(("toast_", "cmd_", "nav_", "alerts_button_")):
                assert not re.search(r"[<>&]", value), key
            if key.startswith("toast_"):
                assert len(value) <= 150, key  # answerCallbackQuery allows 200 with the name


def test_every_key_used_in_code_exists() -> None:
    used: set[str] = set()
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text("utf-8")
            used |= set(re.findall(r"catalogue\.text\(\s*\"([a-z_]+)\"", source))
            used |= set(re.findall(r"\"((?:toast|cmd)_[a-z_]+)\"", source))
    assert used, "the scan found no keys at all"
    assert used <= set(catalogue.MESSAGES["en"]), used - set(catalogue.MESSAGES["en"])


def test_arabic_lines_start_right_to_left() -> None:
    message = catalogue.text("help", "ar", site="Example News")
    assert all(line.startswith("\u200f") for line in message.split("\n") if line)
    assert "\u200f" not in catalogue.text("help", "en", site="Example News")


def test_language_from_telegram_code() -> None:
    assert catalogue.pick_language("ar-EG") == "ar"
    assert catalogue.pick_language("de") == "en"
    assert catalogue.pick_language(None) == "en"
