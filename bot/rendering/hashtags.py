"""Category hashtags: "International News" → #InternationalNews, "أخبار دولية" → #أخبار_دولية.

A hashtag lets subscribers tap through every post of a category, but Telegram ends a hashtag at
the first character it does not accept, so a category is reduced to letters of any script, their
combining marks, decimal digits and ``_``. Cased scripts read well joined CamelCase; scripts
without case (Arabic, Hebrew, CJK) have no capital to show where a word starts, so their words
are joined with ``_``.
"""

from __future__ import annotations

import itertools
import unicodedata

from bot.rendering.text import graphemes, single_line, utf16_len

# A long category would crowd the meta line; the tag stays a stable prefix of the full one.
MAX_HASHTAG_UTF16 = 64

# Dropped inside a word rather than splitting it: "Editor's Picks" → #EditorsPicks.
_APOSTROPHES = frozenset("'’ʼ")


def _is_tag_char(char: str) -> bool:
    """Letters, combining marks, decimal digits and underscore: what a hashtag may hold."""
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd" or char == "_"


def _words(text: str) -> list[str]:
    """Split text into runs of hashtag characters; everything else separates words."""
    words: list[str] = []
    current: list[str] = []
    for char in text:
        if _is_tag_char(char):
            current.append(char)
        elif char in _APOSTROPHES and current:
            continue
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def _has_letter(word: str) -> bool:
    return any(unicodedata.category(char)[0] == "L" for char in word)


def _is_cased(word: str) -> bool:
    """Whether the word has letters with case (Latin, Cyrillic, Greek …)."""
    return any(char.isupper() or char.islower() for char in word)


def _is_caseless(word: str) -> bool:
    """A word of a script without case; digits alone are neither cased nor caseless."""
    return _has_letter(word) and not _is_cased(word)


def _capitalize(word: str) -> str:
    """Capitalise an all-lower-case word; a word with any capital is a brand and keeps its own
    casing ("iOS", "iPhone", "eBay", "BBC"), since "#IOS" reads as a different name."""
    if not _is_cased(word) or any(char.isupper() for char in word):
        return word
    return word[:1].upper() + word[1:]


def hashtag(category: str | None) -> str | None:
    """The category as a Telegram hashtag, or None when it holds no letter to make one from."""
    words = [_capitalize(word) for word in _words(single_line(category))]
    if not words:
        return None
    tag = words[0]
    for previous, word in itertools.pairwise(words):
        joiner = "_" if _is_caseless(previous) or _is_caseless(word) else ""
        tag += joiner + word
    tag = _clip(tag)
    # "2024" or "___" is no hashtag: Telegram needs a letter, and a number tag means nothing.
    return f"#{tag}" if _has_letter(tag) else None


def _clip(tag: str) -> str:
    """Cut an over-long tag on a grapheme boundary; no "…", which would end the hashtag early."""
    if utf16_len(tag) <= MAX_HASHTAG_UTF16:
        return tag
    kept: list[str] = []
    size = 0
    for cluster in graphemes(tag):
        size += utf16_len(cluster)
        if size > MAX_HASHTAG_UTF16:
            break
        kept.append(cluster)
    return "".join(kept).rstrip("_")
