"""What a page says about itself: JSON-LD, OpenGraph, `article:*` and other `<meta>`, microdata.

trafilatura's own metadata is thin on many real pages (no photo, no link, a guessed date), so
the page's explicit statements are read here first, in one pass over the tree, into `PageMeta`:
raw values, each list in the order the page gives them. Choosing between them and cleaning
them up is `bot.ingest.pagefields`' job.

JSON-LD is read the way pages really write it: one object, a list, an `@graph`, objects nested
under `mainEntity`, `@type` as a string or a list, CDATA wrappers, keys in odd casing
("headLine"), HTML entities inside strings, `image` as a URL, an `ImageObject`, a list or an
`@list`, `author` as a name, a `Person`, an `Organization` or a list of them.
"""

from __future__ import annotations

import html as html_entities
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import html

ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
     "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "blogposting",
     "liveblogposting", "report", "techarticle", "socialmediaposting"}
)  # fmt: skip
_ORGANISATION_TYPES = frozenset({"organization", "newsmediaorganization", "corporation"})
_CDATA = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$")
_MAX_JSON_LD = 20  # scripts read per page; a hostile page may carry thousands
_MAX_DEPTH = 6


@dataclass(frozen=True)
class Image:
    """An image the page names, with its size when the page gives one."""

    url: str
    width: int = 0
    height: int = 0


@dataclass
class PageMeta:
    """Everything the page states about its article, unjudged."""

    headlines: list[str] = field(default_factory=list)  # JSON-LD headline, og:title, twitter
    descriptions: list[str] = field(default_factory=list)  # JSON-LD, og:, description, twitter
    urls: list[str] = field(default_factory=list)  # canonical, og:url, JSON-LD url / @id
    images: list[Image] = field(default_factory=list)  # og:image, then JSON-LD (largest first)
    fallback_images: list[Image] = field(default_factory=list)  # twitter:image, image_src
    dates: list[str] = field(default_factory=list)  # datePublished first, then meta/microdata
    other_dates: list[str] = field(default_factory=list)  # modified times: offsets only
    people: list[str] = field(default_factory=list)  # JSON-LD persons, then author metas
    organisations: list[str] = field(default_factory=list)  # publisher and organisation names
    sections: list[str] = field(default_factory=list)  # articleSection, article:section
    site_names: list[str] = field(default_factory=list)  # og:site_name, publisher, app name
    article_body: str = ""  # JSON-LD articleBody
    h1s: list[str] = field(default_factory=list)  # the headlines the page shows


def read_page_meta(tree: html.HtmlElement) -> PageMeta:
    """The page's own statements about its article, before anything prunes the tree."""
    meta = PageMeta()
    article = _json_ld_article(tree, meta)
    metas = _meta_map(tree)
    if article is not None:
        _read_article(article, meta)
    for name in ("og:title", "twitter:title"):
        _take(meta.headlines, metas.first(name))
    for name in ("og:description", "description", "twitter:description", "dc.description"):
        _take(meta.descriptions, metas.first(name))
    canonical = next(
        (
            str(link.get("href") or "")
            for link in tree.iter("link")
            if "canonical" in str(link.get("rel") or "").lower().split()
        ),
        None,
    )
    _take(meta.urls, canonical)
    _take(meta.urls, metas.first("og:url"))
    if article is not None:
        _take(meta.urls, _text(_get(article, "url")))
        _take(meta.urls, _entity_id(_get(article, "mainEntityOfPage")))
    _read_images(tree, metas, article, meta)
    for heading in tree.iter("h1"):
        _take(meta.h1s, heading.text_content())
    _read_dates(tree, metas, meta)
    for name in ("article:author", "og:article:author", "author", "cxenseparse:author"):
        for value in metas.get(name, []):
            if not value.startswith(("http://", "https://")):
                _take(meta.people, value)
    for name in ("article:section", "og:article:section"):
        _take(meta.sections, metas.first(name))
    for name in ("og:site_name", "application-name", "publisher", "dc.publisher"):
        _take(meta.site_names, metas.first(name))
    return meta


def _read_article(article: dict[str, Any], meta: PageMeta) -> None:
    """The fields of the JSON-LD article object."""
    _take(meta.headlines, _text(_get(article, "headline")))
    _take(meta.descriptions, _text(_get(article, "description")))
    _take(meta.dates, _text(_get(article, "datePublished")))
    _take(meta.dates, _text(_get(article, "dateCreated")))
    _take(meta.other_dates, _text(_get(article, "dateModified")))
    for key in ("author", "creator"):
        for person in _names(_get(article, key), people=True):
            _take(meta.people, person)
    for org in _names(_get(article, "author"), people=False):
        _take(meta.organisations, org)
    for org in _names(_get(article, "publisher"), people=False, untyped=True):
        _take(meta.organisations, org)
        _take(meta.site_names, org)
    section = _get(article, "articleSection")
    for value in section if isinstance(section, list) else [section]:
        _take(meta.sections, _text(value))
    meta.article_body = _text(_get(article, "articleBody"))


def _read_images(
    tree: html.HtmlElement, metas: _Metas, article: dict[str, Any] | None, meta: PageMeta
) -> None:
    """og:image first, then JSON-LD's images largest first, then the fallbacks."""
    for name in ("og:image:secure_url", "og:image:url", "og:image"):
        _take_image(meta.images, metas.first(name), metas)
    if article is not None:
        found = list(_images(_get(article, "image")))
        found.sort(key=lambda image: image.width * image.height, reverse=True)
        for image in found:
            _take_image(meta.images, image.url, None, image)
    for name in ("twitter:image", "twitter:image:src"):
        _take_image(meta.fallback_images, metas.first(name), None)
    for link in tree.iter("link"):
        if str(link.get("rel") or "").lower() == "image_src":
            _take_image(meta.fallback_images, link.get("href"), None)


def _read_dates(tree: html.HtmlElement, metas: _Metas, meta: PageMeta) -> None:
    """Publication dates in `<meta>`, microdata and RDFa, after JSON-LD's."""
    for name in _DATE_METAS:
        _take(meta.dates, metas.first(name))
    for element in tree.iterfind(".//*[@itemprop='datePublished']"):
        _take(meta.dates, element.get("content") or element.get("datetime"))
    for element in tree.iterfind(".//*[@property='dc:date']"):
        if element.tag != "meta":
            _take(meta.dates, element.get("content"))
    for name in ("article:modified_time", "og:article:modified_time", "article:modified"):
        _take(meta.other_dates, metas.first(name))


_DATE_METAS = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish_date",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "cxenseparse:publishtime",
    "dcterms.issued",
    "dcterms.created",
    "dc.date.issued",
    "dc.date",
    "date",
    "pdate",
)


def _take(values: list[str], value: str | None) -> None:
    text = " ".join(html_entities.unescape(value or "").split())
    if text and text not in values:
        values.append(text)


def _take_image(
    images: list[Image], url: str | None, metas: _Metas | None, known: Image | None = None
) -> None:
    if not url or not url.strip():
        return
    url = url.strip()
    if any(image.url == url for image in images):
        return
    if known is not None:
        images.append(known)
        return
    if metas is None:
        images.append(Image(url))
        return
    images.append(
        Image(url, _int(metas.first("og:image:width")), _int(metas.first("og:image:height")))
    )


def _int(value: object) -> int:
    try:
        return max(int(float(str(value))), 0) if value not in (None, "") else 0
    except ValueError:
        return 0


class _Metas(dict[str, list[str]]):
    """`<meta>` contents by lower-cased property / name / itemprop, in page order."""

    def first(self, key: str) -> str | None:
        values = self.get(key)
        return values[0] if values else None


def _meta_map(tree: html.HtmlElement) -> _Metas:
    found = _Metas()
    for element in tree.iter("meta"):
        content = str(element.get("content") or "").strip()
        if not content:
            continue
        for attribute in ("property", "name", "itemprop"):
            key = str(element.get(attribute) or "").strip().lower()
            if key:
                found.setdefault(key, []).append(content)
    return found


def _json_ld_article(tree: html.HtmlElement, meta: PageMeta) -> dict[str, Any] | None:
    """The page's article object: the first typed as an article, else one with a headline."""
    typed: list[dict[str, Any]] = []
    untyped: list[dict[str, Any]] = []
    scripts = [
        script
        for script in tree.iter("script")
        if "ld+json" in str(script.get("type") or "").lower()
    ]
    for script in scripts[:_MAX_JSON_LD]:
        try:
            data = json.loads(_CDATA.sub("", script.text or ""), strict=False)
        except (json.JSONDecodeError, RecursionError):
            continue
        for node in _nodes(data, 0):
            types = _types(node)
            if types & ARTICLE_TYPES:
                typed.append(node)
            elif not types and _get(node, "headline"):
                untyped.append(node)
            elif types & ({"website"} | _ORGANISATION_TYPES):
                _take(meta.site_names, _text(_get(node, "name")))
    found = typed or untyped
    return found[0] if found else None


def _nodes(data: object, depth: int) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document that may describe the page's article."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "itemListElement", "list"):
            if key in data:
                yield from _nodes(data[key], depth + 1)


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds if isinstance(k, str)}


def _get(node: dict[str, Any], key: str) -> Any:
    """`node[key]`, also when the page spells the key in another case ("headLine")."""
    if key in node:
        return node[key]
    lowered = key.lower()
    return next((value for name, value in node.items() if name.lower() == lowered), None)


def _text(value: object) -> str:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return " ".join(html_entities.unescape(str(value)).split())
    if isinstance(value, list) and value:
        return _text(value[0])
    return ""


def _entity_id(value: object) -> str:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        return _text(value.get("@id") or value.get("url"))
    return _text(value)


def _names(value: object, *, people: bool, untyped: bool = False) -> Iterator[str]:
    """Names of people (`Person`, or bare names) or of organisations in an author field."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            if people:
                yield item
        elif isinstance(item, dict):
            types = _types(item)
            is_org = bool(types & _ORGANISATION_TYPES) or (untyped and not types)
            if is_org != people:
                yield _text(item.get("name"))


def _images(value: object) -> Iterator[Image]:
    """Images in a JSON-LD `image` field, whatever its shape."""
    if isinstance(value, str):
        yield Image(value)
    elif isinstance(value, list):
        for item in value:
            yield from _images(item)
    elif isinstance(value, dict):
        if "@list" in value:
            yield from _images(value["@list"])
            return
        url = _text(value.get("url") or value.get("contentUrl"))
        if url:
            yield Image(url, _int(value.get("width")), _int(value.get("height")))
