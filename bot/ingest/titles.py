"""Titles without the site's name: "Obama admits … - BBC News" posts as "Obama admits …".

Sites append (or prepend) their own name to titles: " | Aktuálně.cz", " - اليوم السابع",
"：朝日新聞デジタル", "ㅣ한국일보", and Google News appends each story's publisher (" - CNN").
A title keeps its dashes, colons and pipes unless the part beyond the separator *is* a name
the item gives for its site: the feed's title (or one of its parts), the page's og:site_name,
the item's <source>, or the link's domain. Names are compared loosely (case, accents,
punctuation and a trailing ".com" ignored), so "Aktuálně.cz" matches aktualne.cz and
"CNNArabic.com" matches "CNNArabic"; a real title with a dash ("Nato - Russia") is untouched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

# Separators a site name hangs on: spaced dashes, pipes, colons and bullets, and the CJK and
# Korean forms written without spaces (fullwidth colon and bar, Hangul "ㅣ").
_SEPARATOR = re.compile(r"\s+[-–—|·•:»/]+\s+|\s*[：｜ㅣ|]\s*")
_TLD = re.compile(r"\.(?:com|net|org|info|co|gov|edu|[a-z]{2})(?:\.[a-z]{2})?$")
_GENERIC_HOST_LABELS = frozenset({"www", "m", "mobile", "amp", "news", "rss", "feeds", "feed"})
_MIN_REMAINDER = 8  # characters a title must keep: never strip down to a stub


def site_names(*names: str | None, url: str | None = None) -> list[str]:
    """The names a site goes by: each given name, its parts, and the link's domain."""
    found: list[str] = []
    for name in names:
        if not name or not name.strip():
            continue
        found.append(name.strip())
        found.extend(part.strip() for part in _SEPARATOR.split(name) if part.strip())
    if url:
        host = urlsplit(url).hostname or ""
        labels = [label for label in host.split(".") if label]
        while labels and labels[0] in _GENERIC_HOST_LABELS:
            labels.pop(0)
        if labels:
            found.append(".".join(labels))
            if len(labels) >= 2:
                found.append(".".join(labels[-2:]))
                found.append(labels[-2])
    return found


def strip_site_name(title: str, names: Iterable[str]) -> str:
    """`title` without a leading or trailing part that is one of the site's `names`."""
    keys = {key for key in map(_key, names) if key}
    if not keys:
        return title
    separators = list(_SEPARATOR.finditer(title))
    if not separators:
        return title
    last = separators[-1]
    if _key(title[last.end() :]) in keys and len(title[: last.start()]) >= _MIN_REMAINDER:
        return title[: last.start()].rstrip()
    first = separators[0]
    if _key(title[: first.start()]) in keys and len(title[first.end() :]) >= _MIN_REMAINDER:
        return title[first.end() :].lstrip()
    return title


@lru_cache(maxsize=4096)  # a feed names its site once per item: the same few names again
def _key(name: str) -> str:
    """A name folded for comparison: no case, accents, TLD, spaces or punctuation."""
    folded = unicodedata.normalize("NFKD", name.strip().casefold())
    folded = _TLD.sub("", folded)
    return "".join(ch for ch in folded if ch.isalnum())
