"""Escaping, cleaning, UTF-16 lengths and grapheme-safe truncation of plain text."""

from __future__ import annotations

import pytest

from bot.rendering.text import (
    ELLIPSIS,
    escape_html,
    graphemes,
    paragraphs,
    single_line,
    strip_controls,
    truncate,
    utf16_len,
)

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # one grapheme, 11 UTF-16 units
FLAG = "🇱🇧"  # one grapheme, two regional indicators, 4 units
THUMB = "👍🏽"  # emoji + skin tone, 4 units
E_ACUTE = "e\u0301"  # e + combining acute accent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("a < b > c", "a &lt; b &gt; c"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ('say "hi"', "say &quot;hi&quot;"),
        ("&amp;", "&amp;amp;"),  # text is never trusted as already-escaped HTML
        ("<b>bold?</b>", "&lt;b&gt;bold?&lt;/b&gt;"),
        ("it's", "it's"),
    ],
)
def test_escape_html(text: str, expected: str) -> None:
    assert escape_html(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("abc", 3),
        ("أخبار", 5),
        ("新闻", 2),
        ("😀", 2),
        (FLAG, 4),
        (FAMILY, 11),
        (E_ACUTE, 2),
    ],
)
def test_utf16_len_counts_code_units(text: str, expected: int) -> None:
    assert utf16_len(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\x00b\x07c", "abc"),
        ("a\x1bb\x7fc\x9bd", "abcd"),
        ("line\r\nnext\rthird\u2028fourth", "line\nnext\nthird\nfourth"),
        ("tab\there", "tab here"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        ("non\ufffechar\U0010ffff", "nonchar"),
        ("keeps \u200f rlm and \u200d zwj", "keeps \u200f rlm and \u200d zwj"),
    ],
)
def test_strip_controls(text: str, expected: str) -> None:
    assert strip_controls(text) == expected


def test_single_line_collapses_whitespace_and_controls() -> None:
    assert single_line("  Breaking:\n\tnews\x00  today ") == "Breaking: news today"
    assert single_line(None) == ""


def test_paragraphs_one_per_line_blank_lines_ignored() -> None:
    assert paragraphs("First  one.\n\n\n  Second\tone. \r\nThird.") == [
        "First one.",
        "Second one.",
        "Third.",
    ]
    assert paragraphs("") == []


def test_graphemes_keep_clusters_whole() -> None:
    assert graphemes(f"a{FAMILY}{FLAG}{THUMB}{E_ACUTE}") == ["a", FAMILY, FLAG, THUMB, E_ACUTE]


def test_truncate_leaves_short_text_alone() -> None:
    assert truncate("Short.", 6) == "Short."


def test_truncate_prefers_sentence_end() -> None:
    text = "The first sentence is here. The second one is much longer than the room we have."
    assert truncate(text, 40) == "The first sentence is here. …"


def test_truncate_falls_back_to_word_boundary() -> None:
    text = "Words without any sentence stop keep going and going and going"
    cut = truncate(text, 30)
    assert cut == "Words without any sentence…"
    assert utf16_len(cut) <= 30


def test_truncate_cuts_inside_a_long_word_on_a_grapheme() -> None:
    word = "x" * 500
    assert truncate(word, 100) == "x" * 98 + ELLIPSIS


def test_truncate_paragraph_break_counts_as_sentence_end() -> None:
    text = "A headline-like paragraph\n\nAnd another paragraph that will not fit at all here"
    assert truncate(text, 40) == "A headline-like paragraph…"


@pytest.mark.parametrize("cluster", [FAMILY, FLAG, THUMB, E_ACUTE, "😀", "ق\u064e\u0651"])
@pytest.mark.parametrize("limit", range(1, 40))
def test_truncate_never_splits_a_grapheme(cluster: str, limit: int) -> None:
    text = cluster * 30
    cut = truncate(text, limit)
    assert utf16_len(cut) <= limit
    assert cut.endswith(ELLIPSIS)
    kept = graphemes(cut.removesuffix(ELLIPSIS))
    assert kept == [cluster] * len(kept)
    cut.encode("utf-8")  # raises on a lone surrogate


@pytest.mark.parametrize("limit", [0, -5])
def test_truncate_with_no_room_gives_nothing(limit: int) -> None:
    assert truncate("something", limit) == ""


def test_truncate_with_tiny_room_gives_ellipsis() -> None:
    assert truncate("something", 1) == ELLIPSIS
    assert truncate(FAMILY * 2, 4) == ELLIPSIS


def test_truncate_cuts_before_markup_characters_not_inside_escapes() -> None:
    text = "a&b " * 100
    cut = truncate(text, 50)
    assert utf16_len(cut) <= 50
    # Escaping happens after the cut, so every entity in the HTML is whole.
    assert escape_html(cut).count("&amp;") == cut.count("&")
