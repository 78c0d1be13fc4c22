"""Feed and page text made safe and plain: titles, summaries, bodies, links and images.

Feed HTML is never trusted and never passed on: the renderer takes plain text and escapes it
itself. So HTML is *parsed* (lxml's HTML parser, libxml2 underneath — no regexes over markup),
scripts and styles are dropped with their content, block elements become paragraph breaks and
everything else becomes its text. Entities are decoded exactly once, by that parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
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
# Private-use characters that mark structure inside text_content(); removed from the input first.
_PARAGRAPH_BREAK = "\ue000"  # a block element starts or ends
_LINE_BREAK = "\ue001"  # <br>, or a line of a <pre>
_LINK_OPEN = "\ue002"
_LINK_CLOSE = "\ue003"
# What a block is, for choosing a lead: code listings, photo captions and tables never are one.
_KIND_TAGS = {"pre": "code", "figcaption": "caption", "table": "table", "blockquote": "quote",
              "li": "item", "dt": "item", "dd": "item", "h1": "heading", "h2": "heading",
              "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading"}  # fmt: skip
_KIND_MARKS = {kind: chr(0xE010 + i) for i, kind in enumerate(("prose", *_KIND_TAGS.values()))}
_MARK_KINDS = {mark: kind for kind, mark in _KIND_MARKS.items()}
_KIND_MARK_CHARS = "".join(_MARK_KINDS)
_LINK_SPLIT = re.compile("([\ue002\ue003])")
# A character class, not str.translate: translate with a deletion table walks a non-ASCII
# text character by character through a dict, ten times slower (profiled on the corpus).
_STRUCTURE = re.compile("[" + "".join([_LINK_OPEN, _LINK_CLOSE, *_MARK_KINDS]) + "]")
_MAX_TEXT = 200_000  # like the JSONL import: bigger is a broken feed, not an article
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")


@dataclass(frozen=True)
class Block:
    """One paragraph of text, what kind of element it came from, and how much of it is links.

    `kind` is "prose", "code" (a <pre>), "caption" (<figcaption>), "table", "quote"
    (<blockquote>), "item" (a list item) or "heading" (<h1>-<h6>); lines inside it (<br>,
    <pre> lines) are joined by "\\n". `link_share` is the part of its characters inside <a>
    elements: a list of links ("Related articles", Google News' coverage list) is not text.
    """

    text: str
    kind: str = "prose"
    link_share: float = 0.0


@dataclass(frozen=True)
class Extracted:
    """Plain text of an HTML fragment, its first article image, all its images, and its
    paragraphs."""

    text: str
    first_image: str | None
    blocks: tuple[Block, ...] = ()
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
_CONTROL_TABLE = {c: None for c in [*range(32), *range(0xE000, 0xE020)] if c not in (9, 10, 13)}


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\ue01f]")


def _strip_controls(text: str) -> str:
    # A search is much cheaper than a translate over a 100 KB body, and usually finds nothing.
    return text.translate(_CONTROL_TABLE) if _CONTROLS.search(text) else text


def extract_html(fragment: str, *, base_url: str | None = None) -> Extracted:
    """Plain-text paragraphs of an HTML fragment, plus its first `<img>` as an absolute URL.

    Whitespace is collapsed as a browser does: a line break in the source is a space unless it
    is a `<br>` or inside a `<pre>`, so text wrapped at 72 columns inside a `<p>` stays one
    paragraph.
    """
    if "<" not in fragment and "&" not in fragment:
        return plain_text(fragment)
    try:
        root = html.fragment_fromstring(_strip_controls(fragment), create_parent="div")
    except (etree.ParserError, ValueError):
        return plain_text(fragment)
    images: list[ImageCandidate] = []
    # Kinds other than "prose", by element: most elements are prose and need no entry.
    kinds: dict[Any, str] = {}
    # Elements only: text_content() skips comments and processing instructions anyway.
    for element in list(root.iter(etree.Element)):
        tag = element.tag
        outer = kinds.get(element.getparent(), "prose")
        if tag in _DROP:
            element.drop_tree()
            continue
        kind = _KIND_TAGS.get(tag, outer)
        if kind != "prose":
            kinds[element] = kind
        if kind == "code":  # inside a <pre>, source lines are lines
            element.text = element.text and element.text.replace("\n", _LINE_BREAK)
        if outer == "code":
            element.tail = element.tail and element.tail.replace("\n", _LINE_BREAK)
        if tag == "br":
            element.tail = _LINE_BREAK + (element.tail or "")
        elif tag in _BLOCK:
            element.text = _PARAGRAPH_BREAK + _KIND_MARKS[kind] + (element.text or "")
            element.tail = _PARAGRAPH_BREAK + _KIND_MARKS[outer] + (element.tail or "")
        elif tag == "a":
            element.text = _LINK_OPEN + (element.text or "")
            element.tail = _LINK_CLOSE + (element.tail or "")
        elif tag == "img":
            src = absolute_url(element.get("src") or element.get("data-src"), base_url)
            if src:
                width, height = size_hint(element.get("width")), size_hint(element.get("height"))
                images.append(ImageCandidate(src, width, height))
    blocks = _blocks(root.text_content())
    text = "\n\n".join(block.text for block in blocks)[:_MAX_TEXT]
    # Share buttons, ad pixels and icons are images too, but never the article's.
    first = next((i.url for i in images if is_article_image(i.url, i.width, i.height)), None)
    return Extracted(text, first, blocks, tuple(images))


def plain_text(text: str) -> Extracted:
    """A plain-text field as `Extracted`: paragraphs at blank lines, lines kept."""
    tidied = tidy(text)
    return Extracted(tidied, None, tuple(Block(part) for part in tidied.split("\n\n") if part))


def _blocks(marked: str) -> tuple[Block, ...]:
    """Split text_content() output at paragraph marks into cleaned `Block`s."""
    blocks: list[Block] = []
    depth = 0  # <a> nesting, carried across paragraphs (an <a> may wrap a whole <div>)
    for raw in marked.split(_PARAGRAPH_BREAK):
        chunk = raw.lstrip(_KIND_MARK_CHARS)
        if not depth and (not chunk or chunk.isspace()):
            continue  # nested blocks leave many empty chunks between their marks
        kind = _MARK_KINDS[raw[len(raw) - len(chunk) - 1]] if len(chunk) < len(raw) else "prose"
        share = 0.0
        if depth or _LINK_OPEN in chunk:  # characters inside <a>, spaces included
            linked = total = 0
            for piece in _LINK_SPLIT.split(chunk):
                if piece == _LINK_OPEN:
                    depth += 1
                elif piece == _LINK_CLOSE:
                    depth = max(0, depth - 1)
                else:
                    size = len(piece.strip())
                    total += size
                    linked += size if depth else 0
            share = linked / total if total else 0.0
            chunk = _STRUCTURE.sub("", chunk)
        if _LINE_BREAK in chunk:
            lines = (" ".join(line.split()) for line in chunk.split(_LINE_BREAK))
            text = "\n".join(line for line in lines if line)
        else:
            text = " ".join(chunk.split())
        if text:
            blocks.append(Block(text, kind, share))
    return tuple(blocks)


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
    """The first sentence or `limit` characters of `text`, cut on a word, for missing titles.

    A sentence ends at . ! ? … (and their CJK and Arabic forms) before a space, once at least
    `_MIN_SENTENCE` characters are in ("U.S. to …" does not end at "U.S."); a closing full
    stop is dropped, as headlines have none, while "?" and "!" stay.
    """
    first = one_line(text.split("\n\n", 1)[0])
    for end in _SENTENCE_END.finditer(first):
        if _MIN_SENTENCE <= end.end() <= limit:
            sentence = first[: end.end()].rstrip()
            return sentence[:-1] if sentence.endswith(".") else sentence
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0]
    return (cut or first[:limit]).rstrip(",;:") + "…"


_SENTENCE_END = re.compile(r"[.!?…。！？؟](?=\s|$)")
_MIN_SENTENCE = 25
