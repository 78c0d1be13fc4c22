"""Mojibake ("Indiaâ€™s", "Ð’ ÐœÐ¾ÑÐºÐ²Ðµ") repaired when the repair is certain, else reported.

Text that was UTF-8 but got decoded as windows-1252 or Latin-1 somewhere upstream (a capture,
a CMS, a proxy) reaches us as valid Unicode that reads as garbage. ftfy undoes such wrong
decodings: it applies a re-encoding only when the result scores better on its "badness"
measure, and says what it did. We accept its repair only when the text looked bad before, the
repair is an encode/decode plan (not a guess at single characters), and the result neither
looks bad nor holds replacement characters. Anything that still looks garbled after that is
reported, so the item is held for an editor instead of being posted as garbage.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import ftfy
from ftfy.badness import is_bad

logger = logging.getLogger(__name__)

_SAMPLE = 40  # characters of garbled text quoted in the hold reason
# The cheap test every text passes first: UTF-8 read as Latin-1 or windows-1252 always shows
# a lead byte (0xC2-0xF4: "Ã", "Ð", "â") followed by a continuation byte (0x80-0xBF: a C1
# control, a Latin-1 sign, or a windows-1252 "€", "’", "œ" ...). Accented text ("é", "ü")
# followed by letters never matches, so ftfy's slower check runs only on suspects.
_SUSPECT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac"
    "\u2122]"
)


@dataclass(frozen=True)
class Repaired:
    """Text after repair, and a short sample of what still looks garbled ("" when clean)."""

    text: str
    garbled: str = ""


def repair(text: str) -> Repaired:
    """`text` with certain mojibake undone; `garbled` names what could not be undone."""
    if not text or not _SUSPECT.search(text) or not is_bad(text):
        return Repaired(text)
    fixed, plan = ftfy.fix_encoding_and_explain(text)
    if plan and fixed != text and "\ufffd" not in fixed and not is_bad(fixed):
        logger.debug("repaired mojibake with %s", plan)
        return Repaired(fixed)
    return Repaired(text, _sample(text))


def _sample(text: str) -> str:
    """The first stretch of the text that still looks garbled, for the editor to recognise."""
    for start in range(0, len(text), _SAMPLE // 2):
        window = text[start : start + _SAMPLE]
        if is_bad(window):
            return " ".join(window.split())
    return " ".join(text[:_SAMPLE].split())
