"""Plural categories follow CLDR, and counted texts take the right form in each language."""

from __future__ import annotations

import pytest

from bot import catalogue
from bot.catalogue.plurals import category


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "zero"),
        (1, "one"),
        (2, "two"),
        (3, "few"),
        (10, "few"),
        (11, "many"),
        (26, "many"),
        (99, "many"),
        (100, "other"),
        (101, "other"),
        (102, "other"),
        (103, "few"),
        (110, "few"),
        (111, "many"),
        (199, "many"),
        (200, "other"),
        (1000, "other"),
        (1003, "few"),
        (1011, "many"),
        (1.5, "other"),
        (2.0, "two"),
    ],
)
def test_arabic_categories_are_cldr(n: float, expected: str) -> None:
    assert category("ar", n) == expected


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "other"), (1, "one"), (2, "other"), (1.0, "one"), (1.5, "other")]
)
def test_english_categories_are_cldr(n: float, expected: str) -> None:
    assert category("en", n) == expected


def test_unknown_language_counts_like_english() -> None:
    assert category("de", 1) == "one" and category("de", 5) == "other"


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "مصدر واحد متعثّر"),
        (2, "مصدران متعثّران"),
        (3, "3 مصادر متعثّرة"),
        (12, "12 مصدرًا متعثّرًا"),
        (100, "100 مصدر متعثّر"),
        (105, "105 مصادر متعثّرة"),
    ],
)
def test_arabic_sources_failing(count: int, expected: str) -> None:
    assert catalogue.plural("sources_failing", "ar", count) == "\u200f" + expected


def test_english_counts_keep_their_text() -> None:
    assert catalogue.plural("sources_failing", "en", 12) == "12 sources failing"
    assert catalogue.plural("sources_failing", "en", 1) == "1 source failing"
    going = catalogue.plural("alert_going_out", "en", 305)
    assert going == "🔔 Alert going out to 305 subscribers (see /status)."


def test_a_fraction_is_shown_as_written() -> None:
    assert catalogue.plural("report_every", "en", 0.5) == "0.5 minutes"
    assert catalogue.plural("report_every", "ar", 2.5) == "\u200f2.5 دقيقة"
