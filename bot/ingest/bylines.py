"""Bylines: the people who wrote the article, each once, in their own casing.

Feeds fill the author field with whatever their CMS has: e-mail addresses
("hardware@pcinpact.om", "jdoe@x.com (Jane Doe)"), the same name twice in two casings
("Jeffrey Gettleman; JEFFREY GETTLEMAN"), the outlet, its slogan and its city
("SPIEGEL ONLINE; Hamburg; Germany"), datelines ("David Smith in Washington") and credits
("illustration by …"). A byline is shown under the post as "who wrote this", so only parts that
look like a person's name are kept: one to six words, none of them an outlet word, no digits,
no address. A lone one-word byline ("BeauHD", "Tomaž") is a person's handle and is kept; a
one-word part among others is a place or a tag and is dropped, as is an all-capitals word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MAILTO_WITH_NAME = re.compile(r"^\s*[\w.+-]+@[\w.-]+\s*\((?P<name>[^()]*)\)?\s*$")
_NAME_WITH_MAIL = re.compile(r"^\s*(?P<name>[^<]*?)\s*<[^>]*>\s*$")
_HANDLE_WITH_NAME = re.compile(r"^\s*\S+\s+\((?P<name>[^()]+)\)?\s*$")
_SEPARATORS = re.compile(r"\s*(?:[;|/,•·]|\s(?:and|und|et|e|y|i|и|&)\s)\s*", re.IGNORECASE)
_PREFIX = re.compile(
    r"^(?:by|von|par|por|di|door|av|от|author|autor|auteur|written by|posted by)\s*:?\s+",
    re.IGNORECASE,
)
# A dateline after the name: "David Smith in Washington", "Jane Doe aus Berlin".
_DATELINE = re.compile(r"\s+(?:in|aus|à|en|from|reporting from)\s+\S.*$", re.IGNORECASE)
# A job title after the name: "Jason Burke Africa correspondent", "Julian Borger World affairs
# editor" (an area word, lower-case words, the job).
_JOB_TAIL = re.compile(
    r"(?P<area>\s+\S+)?(?:\s+[^\W\d_A-Z][\w-]*)*\s+(?i:correspondent|editor|reporter|"
    r"columnist|critic|writer|analyst|commentator|chief)$"
)
_CREDIT = re.compile(
    r"^(?:(?:photo|photos|photograph|photography|illustration|illustrations|graphic|graphics|"
    r"video|videos|images?|pictures?|additional reporting|reporting|editing|edited)\s+by)\b",
    re.IGNORECASE,
)
# Words that make a part an outlet, a desk or an agency rather than a person.
_OUTLET_WORDS = frozenset(
    {"online", "news", "newsroom", "press", "staff", "desk", "team", "editor", "editors",
     "editorial", "redaktion", "rédaction", "redacción", "redazione", "redação", "agency",
     "agencies", "agence", "agencia", "wire", "wires", "service", "services", "bureau",
     "reuters", "afp", "ap", "dpa", "ansa", "efe", "tass", "ria", "bloomberg", "associated",
     "media", "magazine", "journal", "times", "post", "tribune", "gazette", "herald", "daily",
     "weekly", "zeitung", "tidning", "tidningen", "nytt", "allehanda", "bladet", "posten",
     "nachrichten", "noticias", "notícias", "nouvelles", "actualités", "новости", "contributor",
     "contributors", "writer", "writers", "correspondent", "admin", "administrator", "webmaster",
     "guest", "anonymous", "unknown", "bbc", "cnn", "tv", "radio", "channel", "podcast", "blog",
     "network", "inc", "ltd", "llc", "gmbh", "corp", "corporation", "plc", "company"}
)  # fmt: skip
# Endings of compound newspaper names ("Höglandsnytt", "Folkbladet", "Lokalzeitung").
_OUTLET_ENDINGS = (
    "nytt", "bladet", "tidning", "tidningen", "posten", "zeitung", "blatt", "kurier", "anzeiger",
    "courant", "krant", "avisen",
)  # fmt: skip
# Lower-case words that may sit inside a person's name.
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la",
     "le", "bin", "ibn", "al", "el", "y", "zu", "ter", "ten", "st", "mc", "ben", "bint"}
)  # fmt: skip
_MAX_WORDS = 6


def _unwrap_address(raw: str) -> str:
    """ "jdoe@x.com (Jane Doe)" → "Jane Doe"; "Jane Doe <jdoe@x.com>" → "Jane Doe"."""
    for pattern in (_MAILTO_WITH_NAME, _NAME_WITH_MAIL, _HANDLE_WITH_NAME):
        match = pattern.match(raw)
        if match and match.group("name").strip():
            return match.group("name").strip()
    return raw


def _clean_part(part: str) -> str:
    part = _EMAIL.sub(" ", part)
    part = part.strip(" \t\"'()[]{}-–—:.")
    part = _PREFIX.sub("", part)
    part = _DATELINE.sub("", part)
    return _without_job_title(" ".join(part.split()))


def _without_job_title(part: str) -> str:
    """The name before a trailing job title, keeping at least a first and last name."""
    match = _JOB_TAIL.search(part)
    if match is None:
        return part
    name = part[: match.start()]
    if len(name.split()) < 2 and match.group("area"):
        name = part[: match.start("area") + len(match.group("area"))]
    return name if len(name.split()) >= 2 else part


def _word_is_name_like(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    if not letters or any(c.isdigit() for c in word):
        return False
    if word.lower().strip(".") in _PARTICLES:
        return True
    first = letters[0]
    # Scripts without case (Arabic, Chinese, Hindi …) have no capital to check.
    return first.isupper() or not (first.islower() or first.isupper())


def looks_like_person(part: str, *, outlets: Iterable[str] = ()) -> bool:
    """Whether one byline part reads as a person's name rather than an outlet, place or note."""
    words = part.split()
    if not words or len(words) > _MAX_WORDS or "@" in part or "://" in part:
        return False
    lowered = {w.lower().strip(".,") for w in words}
    if lowered & _OUTLET_WORDS or _CREDIT.match(part):
        return False
    if any(w.endswith(_OUTLET_ENDINGS) for w in lowered):
        return False
    if any("." in w.strip(".") for w in words):  # a domain ("BreakingNews.ie"), not initials
        return False
    if _is_outlet_name(part, outlets):
        return False
    return all(_word_is_name_like(w) for w in words)


def _is_outlet_name(part: str, outlets: Iterable[str]) -> bool:
    """The feed's own name, or its brand word in capitals ("DER SPIEGEL" in a SPIEGEL feed).

    Only capitalised brand words count as shared: a personal blog is often titled with its
    author's name, and that author must stay.
    """
    folded = part.casefold()
    for outlet in outlets:
        names = [n.strip() for n in re.split(r"\s[-–—|:]\s|:\s", outlet.casefold())]
        if folded == outlet.casefold() or folded in names:
            return True
        brands = {w.casefold() for w in outlet.split() if len(w) > 2 and w.isupper()}
        brands |= {w.casefold() for w in part.split() if len(w) > 2 and w.isupper()} & {
            w.casefold() for w in outlet.split()
        }
        if brands & {w.casefold() for w in part.split()}:
            return True
    return False


def _is_all_caps_word(part: str) -> bool:
    return " " not in part and part.isupper() and len(part) > 1


def clean_byline(raw: str | None, *, outlets: Iterable[str] = ()) -> str | None:
    """People's names from an author field, each once, joined with ", "; None when none.

    `outlets` are names that are never a person here (the feed's and the site's titles).
    """
    if not raw or not raw.strip():
        return None
    outlet_names = [o for o in outlets if o]
    text = " ".join(raw.split())
    text = _unwrap_address(text)
    parts = [_clean_part(p) for p in _SEPARATORS.split(text)]
    parts = [p for p in parts if p and not _CREDIT.match(p)]
    people = [p for p in parts if looks_like_person(p, outlets=outlet_names)]
    single_words = [p for p in people if " " not in p]
    # A one-word part is a handle when it leads ("Luke, most likely."); after a name or beside
    # another one-word part it is a place or a tag ("SPIEGEL ONLINE; Hamburg; Germany").
    if len(single_words) > 1 or (single_words and parts[0] != single_words[0]):
        people = [p for p in people if " " in p]
    people = [p for p in people if not _is_all_caps_word(p) or len(parts) == 1]
    return _dedupe(people)


def _dedupe(people: list[str]) -> str | None:
    """Each person once, in source order, preferring a mixed-case spelling over capitals."""
    chosen: dict[str, str] = {}
    for person in people:
        key = person.casefold()
        current = chosen.get(key)
        if current is None or (current.isupper() and not person.isupper()):
            chosen[key] = person
    joined = ", ".join(chosen.values())
    return joined[:500] or None
