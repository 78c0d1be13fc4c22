"""One news article page (HTML) to one draft, through trafilatura, a well-kept extractor.

Two things trafilatura does not do well enough on its own are handled around it:
- it deletes every "non-printable" character, which includes the zero-width non-joiner, the
  joiner and the bidi marks that Persian and Arabic text depend on ("اصلاح‌طلبان" would become
  a different-looking word); they are swapped for placeholders and restored afterwards;
- pages rendered by Next.js carry the article only inside `self.__next_f.push(...)` script
  payloads; when the normal extraction finds nothing, those payloads are extracted instead,
  and as a last resort the page's own description is the body.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import trafilatura
from lxml import etree, html
from trafilatura.settings import Document

from bot.domain import ArticleDraft
from bot.errors import NoArticleError
from bot.identity import article_guid
from bot.ingest.dates import parse_date
from bot.ingest.encoding import decode_text
from bot.ingest.normalise import absolute_url, one_line, tidy
from bot.ingest.titles import site_names, strip_site_name

logger = logging.getLogger(__name__)

# Format characters that carry meaning in right-to-left text, each with a printable stand-in
# from the Old Hungarian block (which a news page will not contain).
_KEEP = "\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_STAND_INS = "".join(chr(0x10C80 + i) for i in range(len(_KEEP)))
_PROTECT = str.maketrans(_KEEP, _STAND_INS)
_RESTORE = str.maketrans(_STAND_INS, _KEEP)
_FLIGHT = re.compile(r"^\s*self\.__next_f\.push\(\[1,(\".*\")\]\)\s*$", re.DOTALL)
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "DC.date.issued",
)


def parse_html_page(
    data: bytes,
    *,
    url: str | None,
    tz: ZoneInfo,
    now: datetime,
    source: str | None,
    content_type: str | None = None,
) -> ArticleDraft:
    """The article on an HTML page; `NoArticleError` when there is no title or no text."""
    text = decode_text(data, content_type)
    protected = not any(ch in text for ch in _STAND_INS)
    if protected:
        text = text.translate(_PROTECT)
    try:
        tree = html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise NoArticleError(f"not an HTML page: {exc}") from None
    language = tree.get("lang") or _meta(tree, "og:locale")
    published = next(
        (found for name in _PUBLISHED_META if (found := parse_date(_meta(tree, name), tz))),
        None,
    )
    flight = _next_js_html(tree)
    doc = _extract(tree, url=url, with_metadata=True)
    body = _paragraphs(doc.text if doc is not None else None)
    if not body and flight:
        inner = _extract(flight, url=url, with_metadata=False)
        body = _paragraphs(inner.text if inner is not None else None)
    # bare_extraction prunes the tree it is given, so metadata alone comes from the text.
    meta = doc if doc is not None else trafilatura.extract_metadata(text)
    description = tidy(meta.description or "") if meta is not None else ""
    body = body or description
    title = one_line(meta.title or "") if meta is not None else ""
    names = site_names(meta.sitename if meta is not None else None, _meta(tree, "og:site_name"))
    page = url or (meta.url if meta is not None else None)
    title = strip_site_name(title, [*names, *site_names(url=page)])
    if not title or not body:
        raise NoArticleError("no article title or text found on the page")
    if published is None and meta is not None and meta.date:
        published = parse_date(meta.date, tz)
    categories = (meta.categories or []) if meta is not None else []
    byline = one_line(meta.author or "")[:500] if meta is not None else ""
    page_url = absolute_url(url or (meta.url if meta is not None else None), None)
    restore = _RESTORE if protected else {}
    title = title.translate(restore)
    return ArticleDraft(
        guid=article_guid(None, page_url, title, published),
        url=page_url,
        title=title,
        category=one_line(categories[0])[:200].translate(restore) if categories else None,
        byline=byline.translate(restore) or None,
        published_at=published or now,
        summary=description.translate(restore) or None,
        body=body.translate(restore),
        image_url=absolute_url(meta.image, page_url) if meta is not None else None,
        language=(language or "").replace("_", "-")[:35] or None,
        source=source,
    )


def _extract(
    document: html.HtmlElement | str, *, url: str | None, with_metadata: bool
) -> Document | None:
    found = trafilatura.bare_extraction(
        document, url=url, with_metadata=with_metadata, include_comments=False
    )
    return found if isinstance(found, Document) else None


def _paragraphs(text: str | None) -> str:
    # trafilatura puts one paragraph per line; the store keeps a blank line between them.
    return tidy("\n\n".join((text or "").splitlines()))


def _meta(tree: html.HtmlElement, name: str) -> str | None:
    for attribute in ("property", "name", "itemprop"):
        for element in tree.iterfind(f".//meta[@{attribute}='{name}']"):
            content = str(element.get("content") or "").strip()
            if content:
                return content
    return None


def _next_js_html(tree: html.HtmlElement) -> str | None:
    """The HTML fragments a Next.js page streams in script payloads, joined, if any."""
    parts: list[str] = []
    for script in tree.iter("script"):
        match = _FLIGHT.match(script.text or "")
        if match is None:
            continue
        try:
            payload = json.loads(match.group(1))
        except json.JSONDecodeError:
            continue
        if isinstance(payload, str) and payload.lstrip().startswith("<"):
            parts.append(payload)
    if not parts:
        return None
    return "<html><body><article>" + "".join(parts) + "</article></body></html>"
