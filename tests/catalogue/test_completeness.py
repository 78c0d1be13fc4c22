"""The catalogue is complete, read from its own keys: every key in every language, the same
placeholders everywhere, every plural form a language needs. A key the code uses but the
catalogue lacks is a mypy error (`bot.catalogue.keys`), so no scan of the source is needed.
"""

from __future__ import annotations

import re
import string
from typing import get_args

import pytest

from bot import catalogue
from bot.catalogue import editors_ar, editors_en, readers
from bot.catalogue.keys import EditorKey, PluralKey, ReaderKey

LANGUAGES = sorted(catalogue.MESSAGES)
# Plain-text keys: callback toasts, command menus and button labels hold no markup.
PLAIN = ("toast_", "cmd_", "nav_", "alerts_button_", "button_")


def keys_of(literal: object) -> set[str]:
    """The strings a `Literal[...]` (or a union of them) allows."""
    found: set[str] = set()
    for arg in get_args(literal):
        found |= keys_of(arg) if get_args(arg) else {arg}
    return found


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_are_spoken() -> None:
    """A guard against a vacuous pass: the tables hold what the key types promise."""
    assert LANGUAGES == ["ar", "en"]
    assert len(keys_of(ReaderKey)) > 50 and len(keys_of(EditorKey)) > 100
    assert len(keys_of(PluralKey)) >= 10


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_is_in_every_language(language: str) -> None:
    """The key types, the tables of each audience and the merged table agree exactly."""
    audiences = {"en": (readers.EN, editors_en.TEXTS), "ar": (readers.AR, editors_ar.TEXTS)}
    reader_table, editor_table = audiences[language]
    assert set(reader_table) == keys_of(ReaderKey), set(reader_table) ^ keys_of(ReaderKey)
    assert set(editor_table) == keys_of(EditorKey), set(editor_table) ^ keys_of(EditorKey)
    assert set(catalogue.MESSAGES[language]) == keys_of(catalogue.Key)
    assert set(catalogue.PLURALS[language]) == keys_of(PluralKey)
    assert not keys_of(ReaderKey) & keys_of(EditorKey), "a key belongs to one audience"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_english(language: str) -> None:
    """A translation fills exactly the values the code passes: no more, no fewer."""
    english = catalogue.MESSAGES["en"]
    for key, template in catalogue.MESSAGES[language].items():
        assert template.strip(), key
        assert placeholders(template) == placeholders(english[key]), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_plural_form_is_there(language: str) -> None:
    """Each count text has exactly its language's forms, with the same values as English.

    `{count}` may be left out of a form that spells the number ("مصدران", "two sources").
    """
    english = catalogue.PLURALS["en"]
    for key, forms in catalogue.PLURALS[language].items():
        assert tuple(forms) == catalogue.CATEGORIES[language], key
        wanted = placeholders(english[key]["other"]) - {"count"}
        for category, template in forms.items():
            assert template.strip(), (key, category)
            assert placeholders(template) - {"count"} == wanted, (key, category)
            assert placeholders(template) <= wanted | {"count"}, (key, category)
        assert "count" in placeholders(forms["other"]), key


def test_plain_text_keys_hold_no_markup() -> None:
    for table in catalogue.MESSAGES.values():
        for key, value in table.items():
            if key.startswith(PLAIN):
                assert not re.search(r"[<>&]", value), key
            if key.startswith("toast_"):
                assert len(value) <= 150, key  # answerCallbackQuery allows 200 with the name


@pytest.mark.parametrize("language", LANGUAGES)
def test_html_tags_match_english(language: str) -> None:
    """Translations keep the English text's markup: the same tags, as many of each."""
    tag = re.compile(r"</?[a-z]+>")
    english = catalogue.MESSAGES["en"]
    for key, template in catalogue.MESSAGES[language].items():
        assert sorted(tag.findall(template)) == sorted(tag.findall(english[key])), key


def test_every_month_has_a_name() -> None:
    for language in LANGUAGES:
        assert len(catalogue.MONTHS[language]) == 12
        assert all(name.strip() for name in catalogue.MONTHS[language])


def test_arabic_lines_start_right_to_left() -> None:
    message = catalogue.text("help", "ar", site="Example News")
    assert all(line.startswith("\u200f") for line in message.split("\n") if line)
    assert "\u200f" not in catalogue.text("help", "en", site="Example News")
    counted = catalogue.plural("set_aside", "ar", 3)
    assert counted.startswith("\u200f⚠️")


def test_language_from_telegram_code() -> None:
    assert catalogue.pick_language("ar-EG") == "ar"
    assert catalogue.pick_language("AR_lb") == "ar"
    assert catalogue.pick_language("de") == "en"
    assert catalogue.pick_language(None) == "en"


def test_one_definition_of_right_to_left() -> None:
    """The catalogue asks the renderer's definition: Persian, Hebrew, Pashto alike."""
    from bot.rendering.direction import is_rtl_language

    for code in ("ar", "fa", "he", "ur", "ps", "yi", "ckb", "dv", "iw", "en", "fr", "de"):
        assert catalogue.is_rtl(code) is is_rtl_language(code), code
    assert catalogue.is_rtl("ps") and not catalogue.is_rtl("en")
