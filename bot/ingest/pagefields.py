"""Choosing a page's title, link, photo, byline and hashtag from what it states (`PageMeta`).

The rules, as an editor would apply them (issue 17):
- title: JSON-LD headline, else og:title, else the extractor's; the site's name after a
  separator is not part of it ("… - اليوم السابع", "…ㅣ한국일보", "… | Reuters");
- link: `<link rel=canonical>`, else og:url, else JSON-LD `url`; tracking parameters removed.
  For a fetched page the canonical link is used only when it is on the same site;
- photo: og:image, else the largest JSON-LD image, else twitter:image / image_src — never a
  logo, icon or tracking pixel;
- byline: people's names only (JSON-LD `Person`s, `author` metas), each once, in their own
  casing; a field naming the site or its publisher is not a byline;
- hashtag: JSON-LD `articleSection` or `article:section`, the section of a path
  ("Politics" of "Politics > Elections"), never the site's name, a generic "News" or an
  archive ("Heftarchiv").
Dates and the lead have their own modules (`pagedates`, `pagelead`).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from bot.ingest import links
from bot.ingest.normalise import absolute_url
from bot.ingest.pagemeta import Image, PageMeta
from bot.ingest.titles import strip_site_name

# A site's name is set off from the headline by one of these ("ㅣ" is the Hangul letter
# Korean sites use as a bar, "：" the full-width colon of Japanese ones).
SEPARATORS = "|-–—:：ㅣ·_»/"
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "edu", "ac", "or", "ne", "go"})
_NOT_A_PHOTO = re.compile(
    r"(?:^|[/_.-])(?:logos?|favicons?|icons?|sprites?|blank|spacer|pixel|1x1|placeholder)"
    r"(?:[/_.-]|\d|$)",
    re.IGNORECASE,
)
_GENERIC_SECTIONS = frozenset(
    {"news", "top stories", "topstories", "uncategorized", "uncategorised", "general", "home",
     "homepage", "latest", "article", "articles", "main"}
)  # fmt: skip
# A print-archive section ("Heftarchiv", "Archives") says where the page is kept, not its topic.
_ARCHIVE = re.compile(r"archi(?:v|ve|ves|vo|vio)$", re.IGNORECASE)
_ROLE_WORDS = ("기자", "특파원", "記者", "特派員")  # "reporter" after a Korean/Japanese name
_BY = re.compile(r"^(?:by|von|por|par)\s+", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:;|,|\band\b|&|\|)\s*")


def site_names(meta: PageMeta, page_title: str) -> list[str]:
    """The site's names: stated ones, their parts ("Site | Slogan"), and `<title>`'s tail."""
    names: list[str] = []
    for name in meta.site_names + meta.organisations:
        for piece in [name, *re.split(r"\s+[|–—-]\s+|\s*\|\s*", name)]:
            part = piece.strip()
            if part and part not in names:
                names.append(part)
    for headline in meta.headlines:
        if page_title.startswith(headline) and len(page_title) > len(headline):
            tail = page_title[len(headline) :].strip(" " + SEPARATORS)
            for part in re.split(r"\s+[|–—-]\s+|\s*\|\s*", tail):
                if part.strip() and part.strip() not in names:
                    names.append(part.strip())
    return names


def strip_site(text: str, names: list[str]) -> str:
    """`text` without a site name set off by a separator at its end (or its start)."""
    while True:
        stripped = strip_site_name(text, names)
        if stripped == text:
            return text.strip()
        text = stripped


def choose_title(meta: PageMeta, extracted: str, names: list[str], source: str) -> str:
    """The headline without the site's name (nor a section tail the page itself leaves off).

    JSON-LD's headline comes first, unless another stated headline is the one the page shows
    in its `<h1>` (a JSON-LD headline can be an earlier version).
    """
    candidates = [strip_site(t, names) for t in meta.headlines if t.strip()]
    shown = {" ".join(h.split()).casefold() for h in meta.h1s}
    title = next((t for t in candidates if t.casefold() in shown), "")
    title = title or (candidates[0] if candidates else strip_site(extracted, names))
    # "Headline-Section": cut a last segment when the page holds the rest as a whole string.
    seps = re.escape(SEPARATORS)
    match = re.match(rf"^(.+?)\s*[{seps}]\s*[^{seps}]+$", title)
    if match is not None and len(match.group(1)) >= 0.6 * len(title):
        head = match.group(1).strip()
        flat = " ".join(source.split())
        if f'"{head}"' in flat or f">{head}<" in flat:
            title = head
    return title


def clean_url(url: str) -> str:
    """The page's own URL for the Read more button: tracking removed, no fragment."""
    cleaned = links.clean_url(url) or url
    return urlunsplit(urlsplit(cleaned)._replace(fragment=""))


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def choose_url(meta: PageMeta, fetched: str | None) -> str | None:
    """The article's canonical URL, cleaned; a fetched page keeps its own URL across sites."""
    base = fetched
    for stated in meta.urls:
        candidate = "https:" + stated if stated.startswith("//") else stated
        url = absolute_url(urljoin(base, candidate) if base else candidate, None)
        if url is None:
            continue
        if fetched is not None and _site(url) != _site(fetched):
            continue
        return clean_url(url)
    return clean_url(fetched) if fetched else None


def choose_image(meta: PageMeta, page_url: str | None) -> str | None:
    """The article's photo: og:image, JSON-LD's largest image, then the twitter card's."""
    for image in meta.images + meta.fallback_images:
        url = _image_url(image, page_url)
        if url is not None:
            return url
    return None


def _image_url(image: Image, page_url: str | None) -> str | None:
    raw = image.url
    if raw.startswith("//"):
        raw = "https:" + raw
    url = absolute_url(raw, page_url)
    if url is None or _NOT_A_PHOTO.search(urlsplit(url).path):
        return None
    if 0 < image.width < 100 or 0 < image.height < 100:
        return None  # an icon or a tracking pixel, whatever its name
    return url


def _is_organisation(name: str, organisations: list[str]) -> bool:
    """The name is the site's or publisher's, or shares a distinctive word with one."""
    folded = name.casefold()
    words = {word for word in re.findall(r"\w+", folded) if len(word) >= 5}
    for org in organisations:
        org_folded = org.casefold()
        if folded == org_folded:
            return True
        if words & {word for word in re.findall(r"\w+", org_folded) if len(word) >= 5}:
            return True
    return False


def choose_byline(meta: PageMeta, text: str) -> str | None:
    """People's names, each once, in their own casing; None when the page names no person."""
    names = meta.site_names + meta.organisations
    people: list[str] = []
    for field in meta.people:
        if field.startswith("(") or "@" in field or "://" in field:
            continue  # "(Abu Dhabi - Al Bayan)" is a dateline, an address is not a name
        parts = [_without_role(_BY.sub("", part).strip()) for part in _NAME_SPLIT.split(field)]
        parts = [part for part in parts if part]
        if any(_is_organisation(part, names) for part in parts):
            continue  # "SPIEGEL ONLINE, Hamburg, Germany" names the outlet and its places
        for part in parts:
            shown = _own_casing(part, text)
            if shown and all(shown.casefold() != known.casefold() for known in people):
                people.append(shown)
    return ", ".join(people)[:500] or None


def _without_role(name: str) -> str:
    for word in _ROLE_WORDS:
        if name.endswith(word) and len(name) > len(word):
            return name[: -len(word)].strip()
    return name


def _own_casing(name: str, text: str) -> str:
    """An all-capitals name ("AMELIA THOMSON-DEVEAUX") as the article spells it, else Title."""
    if not name.isupper():
        return name
    words = []
    for word in name.split():
        found = re.search(rf"\b{re.escape(word)}\b", text, flags=re.IGNORECASE)
        spelled = found.group(0) if found is not None else ""
        words.append(spelled if spelled and not spelled.isupper() else word.title())
    return " ".join(words)


def choose_section(meta: PageMeta) -> str | None:
    """The page's section ("Politics" of "Politics > Elections"), never the site, or None."""
    names = meta.site_names + meta.organisations
    for section in meta.sections:
        parts = [part.strip() for part in re.split(r"[>»/|]", section) if part.strip()]
        parts = [
            part
            for part in parts
            if part.casefold() not in _GENERIC_SECTIONS
            and not _ARCHIVE.search(part)
            and not _is_organisation(part, names)
        ]
        if parts:
            return parts[0][:200]
    return None
