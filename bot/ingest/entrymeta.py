"""What one feedparser entry says about its article besides the text: photo, section, writer.

Split from `feeds` so the entry-to-draft flow stays readable there; each function applies the
shared rules (`images`, `categories`, `bylines`) to feedparser's shapes of one entry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from bot.ingest.bylines import clean_byline
from bot.ingest.categories import Category, pick_category
from bot.ingest.images import ImageCandidate, pick_image, size_hint
from bot.ingest.normalise import Extracted, absolute_url, is_image_type, one_line, title_text

# Publisher elements named for an image (<thumbnail>, <bigimage>) and a size in an image path.
_IMAGE_KEY = re.compile(r"(?:^|_)(?:\w*image|thumbnail|thumb|picture|photo)$")
_SIZE_IN_PATH = re.compile(r"/(\d{2,4})x(\d{2,4})/")


def source_title(entry: Any) -> str | None:
    """The publisher an aggregator names for the item (Google News' <source>), if any."""
    source = entry.get("source") or {}
    title = source.get("title") if isinstance(source, dict) else None
    return title if isinstance(title, str) else None


def feed_images(feed: Any, base: str | None) -> list[str | None]:
    """The feed's own image, logo and icon: on an item they are never the article's photo."""
    image = feed.get("image") or {}
    hrefs = [image.get("href") or image.get("url"), feed.get("logo"), feed.get("icon")]
    return [absolute_url(href, base) for href in hrefs if href]


def entry_image(
    entry: Any, base: str | None, texts: tuple[Extracted, ...], feed_images: list[str | None]
) -> str | None:
    """The article's photo from enclosures, media:content, media:thumbnail, then `<img>`s."""
    enclosures = [
        _candidate(e.get("href") or e.get("url"), e, base)
        for e in entry.get("enclosures") or []
        if is_image_type(e.get("type"), e.get("href") or e.get("url"))
    ]
    media = [
        _candidate(m.get("url"), m, base)
        for m in entry.get("media_content") or []
        if (m.get("medium") == "image" or is_image_type(m.get("type"), m.get("url")))
        and m.get("medium") in (None, "image")
    ]
    thumbnails = [_candidate(t.get("url"), t, base) for t in entry.get("media_thumbnail") or []]
    # A picture the item lists both as its thumbnail and as its content is its own choice.
    chosen = {c.url for c in thumbnails if c is not None}
    enclosures, media = (
        [replace(c, designated=True) if c and c.url in chosen else c for c in group]
        for group in (enclosures, media)
    )
    groups: list[Sequence[ImageCandidate | None]] = [
        enclosures,
        media,
        thumbnails,
        _named_images(entry, base),
        *(text.images for text in texts),
    ]
    return pick_image(
        [[c for c in group if c is not None] for group in groups], exclude=feed_images
    )


def _named_images(entry: Any, base: str | None) -> list[ImageCandidate | None]:
    """Images in the publisher's own elements named for them, whose text is the URL.

    Some CMSs list the article image in several sizes as plain elements (`<thumbnail>`,
    `<smallimage>`, `<bigimage>`): the size written in the path ("/600x338/") ranks them.
    """
    found: list[ImageCandidate | None] = []
    for key, value in entry.items():
        if not isinstance(value, str) or not _IMAGE_KEY.search(key):
            continue
        href = absolute_url(value.strip(), base) if value.strip().startswith("http") else None
        if href:
            size = _SIZE_IN_PATH.search(urlsplit(href).path)
            width, height = (int(size.group(1)), int(size.group(2))) if size else (None, None)
            found.append(ImageCandidate(href, width, height))
    return found


def _candidate(url: str | None, attrs: Any, base: str | None) -> ImageCandidate | None:
    href = absolute_url(url, base)
    if href is None:
        return None
    return ImageCandidate(href, size_hint(attrs.get("width")), size_hint(attrs.get("height")))


def entry_category(
    entry: Any, link: str | None, section: str | None, feed_tags: list[str], names: list[str]
) -> str | None:
    """The item's section-like category (see `categories`), slash:section first."""
    # An element that calls itself the section (Slashdot's slash:section) outranks the topic
    # keywords of dc:subject / <category>.
    stated = one_line(str(entry.get("slash_section") or ""))
    categories = [Category(stated[:200], "section")] if stated else []
    categories += [
        Category(
            one_line(title_text(tag.get("label") or tag.get("term"), is_html=True))[:200],
            tag.get("scheme"),
        )
        for tag in entry.get("tags") or []
    ]
    return pick_category(
        categories,
        url=link,
        feed_section=section,
        feed_categories=feed_tags,
        site_names=names,
    )


def feed_author(result: Any) -> str | None:
    """The feed-level author, which Atom entries without their own inherit (RFC 4287 4.2.1).

    RSS has no such rule (its channel `managingEditor` is an editor, not every item's writer).
    """
    if not str(result.get("version") or "").startswith("atom"):
        return None
    detail = result.feed.get("author_detail") or {}
    raw = result.feed.get("author") or detail.get("name")
    return raw if isinstance(raw, str) and raw.strip() else None


def entry_byline(entry: Any, outlets: list[str], inherited: str | None) -> str | None:
    """The writer: a `byline` element of any namespace first, else the author, else the feed's.

    Aggregators (Retriever's `ret:byline`) put the outlet in `<author>` and the writer in their
    own byline element; the item's named source is an outlet whatever field repeats it.
    """
    sources = _item_sources(entry)
    detail = entry.get("author_detail") or {}
    candidates = [
        *(str(value) for key, value in entry.items() if _is_byline_key(key)),
        str(entry.get("author") or detail.get("name") or ""),
    ]
    for raw in candidates:
        byline = clean_byline(title_text(raw, is_html=True), outlets=[*outlets, *sources])
        if byline:
            return byline
    # The feed's own <author> is named as an author, so a feed titled after it (a personal
    # blog, "Sam Ruby") keeps it; outlet words still reject "heise online", "Google Inc.".
    return (
        clean_byline(title_text(inherited, is_html=True), outlets=sources) if inherited else None
    )


def _is_byline_key(key: str) -> bool:
    """A feedparser key for a `byline` element in some namespace ("ret_byline", "byline")."""
    return key == "byline" or key.endswith("_byline")


def _item_sources(entry: Any) -> list[str]:
    """The publishers an item names: `<source>` and namespaced `source` elements (ret:source)."""
    found = [source_title(entry) or ""]
    found += [str(v) for k, v in entry.items() if k.endswith("_source") and isinstance(v, str)]
    return [name for name in found if name.strip()]
