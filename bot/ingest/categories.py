"""The category a post is tagged with: the article's section, never a name from a keyword list.

Feeds put every keyword into `<category>`, and the first one is often a person ("Trump, Donald
J" from the NYT's `nyt_per` taxonomy), a place, an organisation or a word from the text
("Jesus Christ" on a wellness calendar). A hashtag lets readers follow a *section*, so the
choice, in order:

1. the source's `category` setting (the caller applies it before asking here);
2. a category naming a section the article's URL sits in ("US news" for /us-news/…);
3. a category from a subject/descriptor taxonomy (the NYT's `…/des`) or an element that says it
   is the section (Slashdot's `slash:section`, passed with the scheme "section");
4. the feed's own section: a single-word last segment of the feed's link that the feed's title
   names ("Wellness: Health, Fitness …" at /lifestyle/wellness);
5. the term an item stresses by listing it in three spellings or more (a CMS that gives its
   vertical as name, slug and label: "Living", "living", "LIVING") — more than any other term;
6. the item's *first* category, the primary one in WordPress-style lists (categories, then tags)
   — but only when it names something: if the first is generic, the site's own name or initials
   ("TC" on TechCrunch) or a free keyword typed all in lowercase ("dconstruct", "députés"), the
   item has no section and the tags after it are not promoted into one;
7. the feed's own `<category>`.

Never a person/organisation/place taxonomy code, never a word that says nothing ("News",
"Top Stories", "Uncategorized"), never the site's own name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

# Last path segment of a taxonomy scheme naming people, organisations or places.
_NAME_TAXONOMIES = frozenset(
    {"per", "org", "geo", "nyt_per", "nyt_org", "nyt_geo", "person", "persons", "people",
     "organization", "organizations", "organisation", "organisations", "company", "companies",
     "location", "locations", "place", "places", "geography", "author", "authors"}
)  # fmt: skip
_DESCRIPTOR_TAXONOMIES = frozenset({"des", "nyt_des", "subject", "subjects", "section"})
# Words that carry no section: a category made only of them is no category.
_GENERIC_WORDS = frozenset(
    {"news", "top", "stories", "story", "latest", "home", "homepage", "general", "misc",
     "miscellaneous", "other", "others", "uncategorized", "uncategorised",
     "featured", "headlines", "breaking", "all", "posts", "articles", "main",
     "front", "page", "allgemein", "nachrichten", "aktuell", "notícias", "noticias", "notizie",
     "actualités", "actualité", "actualites", "nouvelles", "non", "classé", "sin", "categoría",
     "senza", "categoria", "новости", "раздел", "главное", "nieuws", "nyheter", "uutiset"}
)  # fmt: skip
_SLUG_SPLIT = re.compile(r"[\W_]+", re.UNICODE)
_STRESSED = 3  # spellings of one term that mark it as the item's vertical


@dataclass(frozen=True)
class Category:
    """One category as a feed gives it: the text shown and the taxonomy it comes from."""

    term: str
    scheme: str | None = None


@lru_cache(maxsize=4096)  # a feed repeats its categories and its site's name on every item
def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return "-".join(w for w in _SLUG_SPLIT.split(plain) if w)


def _scheme_code(scheme: str | None) -> str:
    if not scheme:
        return ""
    path = urlsplit(scheme.strip()).path or scheme
    return path.rstrip("/").rsplit("/", 1)[-1].lower()


def is_generic(term: str) -> bool:
    """Whether a category says nothing a reader could follow ("News", "Top Stories")."""
    words = [w for w in _SLUG_SPLIT.split(term.casefold()) if w]
    return not words or all(w in _GENERIC_WORDS for w in words)


def _usable(category: Category) -> bool:
    return bool(category.term.strip()) and (
        _scheme_code(category.scheme) not in _NAME_TAXONOMIES and not is_generic(category.term)
    )


def _path_segments(url: str | None) -> set[str]:
    if not url:
        return set()
    path = unquote(urlsplit(url).path)
    return {_slug(segment) for segment in path.split("/") if segment}


def feed_section(feed_link: str | None, feed_title: str | None) -> str | None:
    """The section a feed is for, when its link ends in a word its title names ("Wellness")."""
    if not feed_link or not feed_title:
        return None
    segments = [s for s in urlsplit(feed_link).path.split("/") if s]
    if not segments or not segments[-1].isalpha():
        return None
    wanted = segments[-1].casefold()
    for match in re.finditer(r"\w+", feed_title):
        word = match.group(0)
        if word.casefold() == wanted and not is_generic(word):
            return word
    return None


def pick_category(
    categories: Sequence[Category],
    *,
    url: str | None,
    feed_section: str | None = None,
    feed_categories: Iterable[str] = (),
    site_names: Iterable[str] = (),
) -> str | None:
    """The section-like category of one item, by the order in the module docstring."""
    names = {_slug(name) for name in site_names if name.strip()}
    initials = {_initials(name) for name in site_names} - {""}
    usable = [c for c in categories if _usable(c) and not _is_site_name(c.term, names, initials)]
    sections = _path_segments(url)
    for category in usable:
        scheme_slug = _scheme_code(category.scheme)
        if _slug(category.term) in sections or (scheme_slug and scheme_slug in sections):
            return category.term
    for category in usable:
        if _scheme_code(category.scheme) in _DESCRIPTOR_TAXONOMIES:
            return category.term
    if feed_section:
        return feed_section
    stressed = _stressed(usable)
    if stressed:
        return stressed
    named = [
        c for c in categories if c.term.strip() and _scheme_code(c.scheme) not in _NAME_TAXONOMIES
    ]
    if named and _names_section(named[0], names, initials):
        return named[0].term
    return next((t for t in feed_categories if _plain_section(t, names, initials)), None)


def _names_section(first: Category, names: set[str], initials: set[str]) -> bool:
    """Whether an item's first category can be its section (see rule 6 of the docstring)."""
    return (
        _usable(first)
        and not _is_site_name(first.term, names, initials)
        and not first.term.islower()
    )


@lru_cache(maxsize=256)
def _initials(name: str) -> str:
    """A name's initials from its capitals or words: "TechCrunch" -> "tc"."""
    capitals = [c for c in name if c.isupper()]
    if len(capitals) < 2:
        capitals = [w[0] for w in _SLUG_SPLIT.split(name) if w]
    return "".join(capitals).casefold() if len(capitals) >= 2 else ""


def _is_site_name(term: str, names: set[str], initials: set[str]) -> bool:
    """Whether a category is the site itself (its name, or its initials written in capitals)."""
    if _slug(term) in names:
        return True
    compact = term.strip()
    return compact.isupper() and compact.isalpha() and compact.casefold() in initials


def _stressed(categories: Sequence[Category]) -> str | None:
    """The term listed in three spellings or more, more often than any other; its best casing."""
    spellings: dict[str, list[str]] = {}
    for category in categories:
        spellings.setdefault(_slug(category.term), []).append(category.term.strip())
    ranked = sorted(spellings.values(), key=len, reverse=True)
    if not ranked or len(ranked[0]) < _STRESSED:
        return None
    if len(ranked) > 1 and len(ranked[1]) == len(ranked[0]):
        return None
    # Prefer the name-cased spelling ("Living") over the slug and the shouted label.
    return next((t for t in ranked[0] if not t.islower() and not t.isupper()), ranked[0][0])


def _plain_section(term: str, names: set[str], initials: set[str]) -> bool:
    """A channel category that names a section, not a directory path ("Regional/Europe/…")."""
    return (
        bool(term.strip())
        and "/" not in term
        and len(term.split()) <= 3
        and not is_generic(term)
        and not _is_site_name(term, names, initials)
    )
