"""Which articles are right-to-left, by language tag or by title."""

from __future__ import annotations

import pytest

from bot.rendering.direction import RLM, is_rtl_article, is_rtl_language, is_rtl_text, mark_rtl


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", True),
        ("ar-LB", True),
        ("AR_lb", True),
        ("fa", True),
        ("he", True),
        ("ur-PK", True),
        ("ps", True),
        ("yi", True),
        ("ckb", True),
        ("dv", True),
        ("en", False),
        ("en-US", False),
        ("fr", False),
        ("arn", False),  # Mapudungun is not Arabic
        ("", False),
        (None, False),
    ],
)
def test_is_rtl_language(language: str | None, expected: bool) -> None:
    assert is_rtl_language(language) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("روسيا وكوريا الشمالية", True),
        ("שלום עולם", True),
        ("Russia and North Korea", False),
        ("NATO: اجتماع في بيونغ يانغ", True),  # mostly Arabic letters
        ("Putin and Kim meet في بيونغ", False),  # mostly Latin letters
        ("2024 🔥 !!!", False),  # no strong characters at all
        ("", False),
    ],
)
def test_is_rtl_text(text: str, expected: bool) -> None:
    assert is_rtl_text(text) is expected


@pytest.mark.parametrize(
    ("language", "title", "expected"),
    [
        ("ar", "Headline in English", True),  # the language tag wins
        ("en", "عنوان عربي", False),
        (None, "عنوان عربي", True),  # no tag: the title decides
        ("und", "عنوان عربي", True),
        (None, "English headline", False),
    ],
)
def test_is_rtl_article(language: str | None, title: str, expected: bool) -> None:
    assert is_rtl_article(language, title) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("عاجل", "عاجل"),
        ("🔴 عاجل", RLM + "🔴 عاجل"),
        ("2024 عام", RLM + "2024 عام"),
        ("#News · 27 Nov", RLM + "#News · 27 Nov"),
        ("NATO تقول", RLM + "NATO تقول"),
        (RLM + "already", RLM + "already"),
        ("", ""),
    ],
)
def test_mark_rtl(line: str, expected: str) -> None:
    assert mark_rtl(line) == expected
