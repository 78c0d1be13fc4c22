"""Category hashtags for Latin, Arabic and mixed categories, and categories with no letters."""

from __future__ import annotations

import pytest

from bot.rendering.hashtags import MAX_HASHTAG_UTF16, hashtag
from bot.rendering.text import utf16_len


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("International News", "#InternationalNews"),
        ("international news", "#InternationalNews"),
        ("Politics", "#Politics"),
        ("BBC world", "#BBCWorld"),
        ("Middle-East & Africa", "#MiddleEastAfrica"),
        ("Editor's Picks", "#EditorsPicks"),
        ("COVID-19", "#COVID19"),
        ("Top 10 stories", "#Top10Stories"),
        ("2024 Elections", "#2024Elections"),
        ("snake_case tag", "#Snake_caseTag"),
        ("Économie française", "#ÉconomieFrançaise"),
        ("Новости мира", "#НовостиМира"),
        ("أخبار دولية", "#أخبار_دولية"),
        ("أخبار", "#أخبار"),
        ("أخبار، دولية!", "#أخبار_دولية"),
        ("Al-Ahed أخبار", "#AlAhed_أخبار"),
        ("国际 新闻", "#国际_新闻"),
        ("مُحَمَّد", "#مُحَمَّد"),  # combining harakat stay inside the tag
        ('  <b>News</b> & "Views"  ', "#BNewsBViews"),
        ("News\x00\u200b", "#News"),
        # Brand casing is kept: a word with a capital anywhere is written as its owner does.
        ("iOS", "#iOS"),
        ("iPhone/iPad", "#iPhoneiPad"),
        ("eBay deals", "#eBayDeals"),
        ("worldNews", "#worldNews"),
    ],
)
def test_hashtag(category: str, expected: str) -> None:
    assert hashtag(category) == expected


@pytest.mark.parametrize("category", ["", "   ", "!!!", "2024", "2024-11", "___", "🔥🔥", None])
def test_no_hashtag_without_a_letter(category: str | None) -> None:
    assert hashtag(category) is None


def test_long_category_is_clipped_without_ellipsis() -> None:
    tag = hashtag("word " * 100)
    assert tag is not None
    assert utf16_len(tag) <= MAX_HASHTAG_UTF16 + 1
    assert tag.startswith("#WordWord")
    assert "…" not in tag
