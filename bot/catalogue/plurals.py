"""Plural categories (CLDR) for the languages the catalogue speaks.

English has two forms ("1 source", "2 sources"); Arabic has six: zero, one, two, few (3–10),
many (11–99) and other (100, 101, 102 …), decided by the number's last two digits. A count
text in the catalogue holds one form per category its language uses; `category` says which one
a number takes. The rules are CLDR's (unicode.org/cldr, "Language Plural Rules"), written out
for our two languages rather than pulled from Babel: two small functions are easier to read
and test than a dependency and a compiled message format.
"""

from __future__ import annotations

from typing import Literal

Category = Literal["zero", "one", "two", "few", "many", "other"]

# The categories each language distinguishes; a count text must hold exactly these.
CATEGORIES: dict[str, tuple[Category, ...]] = {
    "en": ("one", "other"),
    "ar": ("zero", "one", "two", "few", "many", "other"),
}


def _english(n: float) -> Category:
    """one: exactly 1 (an integer); other: everything else, 0 and 1.5 included."""
    return "one" if n == 1 and float(n).is_integer() else "other"


def _arabic(n: float) -> Category:
    """CLDR ar: 0, 1, 2, then n % 100 in 3..10 is few and in 11..99 is many; fractions other."""
    if not float(n).is_integer():
        return "other"
    whole = abs(int(n))
    if whole in (0, 1, 2):
        return ("zero", "one", "two")[whole]
    if 3 <= whole % 100 <= 10:
        return "few"
    if 11 <= whole % 100 <= 99:
        return "many"
    return "other"


_RULES = {"en": _english, "ar": _arabic}


def category(language: str, n: float) -> Category:
    """The plural category of `n` in a catalogue language (English rules for unknown ones)."""
    return _RULES.get(language, _english)(n)
