"""Feed and page text made safe and plain: titles, summaries, bodies, links and images.

Feed HTML is never trusted and never passed on: the renderer takes plain text and escapes it
itself. So HTML is *parsed* (lxml's HTML parser, libxml2 underneath — no regexes over markup),
scripts and styles are dropped with their content, block elements become paragraph breaks and
everything else becomes its text. Entities are decoded exactly once, by that parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

from bot.ingest.images import ImageCandidate, is_article_image, size_hint

# Elements whose content is never article text.
_DROP = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head",
     "form", "button", "select", "textarea", "math"}
)  # fmt: skip
# Elements that end a paragraph.
_BLOCK = frozenset(
    {"p", "div", "section", "article", "aside", "header", "footer", "blockquote", "pre", "ul",
     "ol", "li", "dl", "dt", "dd", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "figure",
     "figcaption", "hr", "address", "main", "nav", "details", "summary"}
)  # fmt: skip
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# Marks block boundaries inside text_content(); a private-use character, removed from the input.
_PARAGRAPH_BREAK = "\ue000"
_MAX_TEXT = 200_000  # like the JSONL import: bigger is a broken feed, not an article
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")


@dataclass(frozen=True)
class Extracted:
    """Plain text of an HTML fragment, the first article image it shows, and all its images."""

    text: str
    first_image: str | None
    images: tuple[ImageCandidate, ...] = ()


def tidy(text: str) -> str:
    """Collapse spaces in lines, drop empty lines, keep one blank line between paragraphs."""
    paragraphs: list[str] = []
    for block in text.replace("\r", "").split("\n\n"):
        lines = [_SPACES.sub(" ", line).strip() for line in block.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)[:_MAX_TEXT]


def one_line(text: str) -> str:
    """All whitespace (newlines included) collapsed to single spaces."""
    return " ".join(text.split())


# libxml2 refuses control characters; the NSHipster feed carries some.
_CONTROL_TABLE = {c: None for c in [*range(32), 0xE000] if c not in (9, 10, 13)}


def _strip_controls(text: str) -> str:
    return text.translate(_CONTROL_TABLE)


def extract_html(fragment: str, *, base_url: str | None = None) -> Extracted:
    """Plain-text paragraphs of an HTML fragment, plus its first `<img>` as an absolute URL."""
    if "<" not in fragment and "&" not in fragment:
        return Extracted(tidy(fragment), None)
    try:
        root = html.fragment_fromstring(_strip_controls(fragment), create_parent="div")
    except (etree.ParserError, ValueError):
        return Extracted(tidy(fragment), None)
    images: list[ImageCandidate] = []
    for element in list(root.iter()):
        tag = element.tag
        if not isinstance(tag, str):
            continue  # comments and processing instructions: text_content() skips them
        if tag in _DROP:
            element.drop_tree()
        elif tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif tag in _BLOCK:
            element.text = _PARAGRAPH_BREAK + (element.text or "")
            element.tail = _PARAGRAPH_BREAK + (element.tail or "")
        elif tag == "img":
            src = absolute_url(element.get("src") or element.get("data-src"), base_url)
            if src:
                width, height = size_hint(element.get("width")), size_hint(element.get("height"))
                images.append(ImageCandidate(src, width, height))
    text = root.text_content().replace(_PARAGRAPH_BREAK, "\n\n")
    # Share buttons, ad pixels and icons are images too, but never the article's.
    first = next((i.url for i in images if is_article_image(i.url, i.width, i.height)), None)
    return Extracted(tidy(text), first, tuple(images))


def html_to_text(fragment: str | None, *, base_url: str | None = None) -> str:
    """Plain-text paragraphs of an HTML fragment ("" for None)."""
    return extract_html(fragment, base_url=base_url).text if fragment else ""


def title_text(value: str | None, *, is_html: bool) -> str:
    """A title on one line: tags stripped and entities decoded once when the feed says HTML."""
    if not value:
        return ""
    return one_line(html_to_text(value) if is_html else value)


def absolute_url(link: str | None, base: str | None) -> str | None:
    """`link` made absolute against `base`; None unless the result is http(s)."""
    if not link:
        return None
    link = link.strip()
    resolved = urljoin(base, link) if base else link
    parts = urlsplit(resolved)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return resolved


def is_image_type(mime: str | None, url: str | None) -> bool:
    """True for `image/*` types, or (without a type) URLs that end like an image file."""
    if mime:
        return mime.lower().startswith("image/")
    return bool(url) and urlsplit(url or "").path.lower().endswith(_IMAGE_SUFFIXES)


def shorten(text: str, limit: int = 120) -> str:
    """The first sentence or `limit` characters of `text`, cut on a word, for missing titles."""
    first = one_line(text.split("\n\n", 1)[0])
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0]
    return (cut or first[:limit]).rstrip(",;:") + "…"
