"""Text direction: which posts are right-to-left, and marking their lines so clients agree.

Telegram clients choose each paragraph's direction from its first strong character. An Arabic
post whose line starts with "🔴", a digit, a Latin hashtag or a Latin word would be laid out
left-to-right, with its Arabic words in the wrong order around it. A RIGHT-TO-LEFT MARK (U+200F)
at the start of such a line is an invisible strong RTL character that fixes the line's direction.
"""

from __future__ import annotations

import unicodedata

RLM = "\u200f"

# Scripts written right to left: Arabic, Persian, Hebrew, Urdu, Pashto, Yiddish, Sorani, Dhivehi,
# plus the withdrawn codes "iw" and "ji" that old software still sends for Hebrew and Yiddish.
_RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "yi", "ckb", "dv", "iw", "ji"})
# Codes that name no language: decide by the text, as if none were given.
_NO_LANGUAGE = frozenset({"", "und", "mul", "zxx"})
_STRONG_RTL = frozenset({"R", "AL"})


def _primary_subtag(language: str | None) -> str:
    """ "ar-LB", "AR_lb" and "ar" all give "ar"."""
    return (language or "").strip().replace("_", "-").split("-", 1)[0].lower()


def is_rtl_language(language: str | None) -> bool:
    """Whether a language tag (with or without a region) names a right-to-left language."""
    return _primary_subtag(language) in _RTL_LANGUAGES


def is_rtl_text(text: str) -> bool:
    """Whether most of the text's strong directional characters are right-to-left.

    Digits, punctuation, spaces and emoji are neutral and do not vote; text with no strong
    character at all is left-to-right.
    """
    rtl = ltr = 0
    for char in text:
        bidi = unicodedata.bidirectional(char)
        if bidi in _STRONG_RTL:
            rtl += 1
        elif bidi == "L":
            ltr += 1
    return rtl > ltr


def is_rtl_article(language: str | None, title: str) -> bool:
    """An article is RTL by its language tag; only without one does its title decide."""
    if _primary_subtag(language) in _NO_LANGUAGE:
        return is_rtl_text(title)
    return is_rtl_language(language)


def starts_rtl(line: str) -> bool:
    """Whether the line's first character is a strong RTL one (an RLM counts as one)."""
    return bool(line) and unicodedata.bidirectional(line[0]) in _STRONG_RTL


def mark_rtl(line: str) -> str:
    """Prefix an RLM to a non-empty line that does not already start right-to-left."""
    return line if not line or starts_rtl(line) else RLM + line
