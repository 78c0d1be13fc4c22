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
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import trafilatura
from lxml import etree, html
from trafilatura.settings import Document

from bot.domain import ArticleDraft
from bot.domain.errors import NoArticleError
from bot.identity import article_guid
from bot.ingest.encoding import decode_text
from bot.ingest.normalise import absolute_url, one_line, tidy
from bot.ingest.pagedates import page_date
from bot.ingest.pagefields import (
    choose_byline,
    choose_image,
    choose_section,
    choose_title,
    choose_url,
    site_names,
)
from bot.ingest.pagelead import choose_summary, strip_title
from bot.ingest.pagemeta import Image, PageMeta, read_page_meta
from bot.ingest.pagetrim import MAX_PAGE_BYTES, trim_tree
from bot.ingest.pagevisible import Visible, body_credit, headline_image, read_visible

logger = logging.getLogger(__name__)

# Format characters that carry meaning in right-to-left text, each with a printable stand-in
# from the Old Hungarian block (which a news page will not contain).
_KEEP = "\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_STAND_INS = "".join(chr(0x10C80 + i) for i in range(len(_KEEP)))
_PROTECT = str.maketrans(_KEEP, _STAND_INS)
_RESTORE = str.maketrans(_STAND_INS, _KEEP)
_FLIGHT = re.compile(r"^\s*self\.__next_f\.push\(\[1,(\".*\")\]\)\s*$", re.DOTALL)


def parse_html_page(
    data: bytes,
    *,
    url: str | None,
    tz: ZoneInfo,
    now: datetime,
    source: str | None,
    content_type: str | None = None,
    hold_undated: bool = True,
) -> ArticleDraft:
    """The article on an HTML page; `NoArticleError` when there is no title or no text.

    `tz` is kept for callers; a page's zone-less times are read in the offset the page states
    elsewhere, else UTC (`pagedates`). A page with no date of its own is dated `now` and, with
    `hold_undated`, held back for an editor (an editor's own `/post` is not held).
    """
    if len(data) > MAX_PAGE_BYTES:
        raise NoArticleError(f"the page is larger than {MAX_PAGE_BYTES // 1_000_000} MB")
    text = decode_text(data, content_type)
    protected = not any(ch in text for ch in _STAND_INS)
    if protected:
        text = text.translate(_PROTECT)
    try:
        tree = html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise NoArticleError(f"not an HTML page: {exc}") from None
    language = tree.get("lang") or _meta(tree, "og:locale")
    stated = read_page_meta(tree)
    visible = read_visible(tree)
    page_title = one_line(tree.findtext(".//title") or "")
    flight = _next_js_html(tree)
    trim_tree(tree)
    doc = _extract(tree, url=url, with_metadata=True)
    body = _paragraphs(doc.text if doc is not None else None)
    if not body and stated.article_body:
        body = tidy(stated.article_body)
    if not body and flight:
        inner = _extract(flight, url=url, with_metadata=False)
        body = _paragraphs(inner.text if inner is not None else None)
    names = site_names(stated, page_title)
    extracted_title = one_line(doc.title or "") if doc is not None and doc.title else page_title
    title = one_line(choose_title(stated, extracted_title, names, text))
    body = strip_title(body, [title, *stated.headlines, extracted_title])
    credit = body_credit(body)  # an opening "Interview: Name" is the byline, not the lead
    body = credit.body
    descriptions = [
        d.removeprefix(credit.opening).strip() if credit.opening else d
        for d in stated.descriptions
    ]
    summary = choose_summary(descriptions, title=title, body=body, names=names)
    body = body or summary or ""
    if not title or not body:
        raise NoArticleError("no article title or text found on the page")
    published, date_only = page_date(stated.dates or visible.stamps, stated.other_dates)
    hold = None
    if published is None:
        published = now
        hold = "the page gives no publication date" if hold_undated else None
    candidates = [stated.people, visible.people, credit.names]
    if not stated.people and doc is not None and doc.author:
        candidates.append(doc.author.split(";"))  # a meta author naming an outlet says "none"
    byline = _byline(stated, candidates, body)
    page_url = choose_url(stated, absolute_url(url, None))
    restore = _RESTORE if protected else {}
    section = choose_section(stated)
    return ArticleDraft(
        guid=article_guid(None, page_url, title, None if hold else published),
        url=page_url,
        title=title.translate(restore),
        category=section.translate(restore) if section else None,
        byline=byline.translate(restore) if byline else None,
        published_at=published,
        date_only=date_only,
        hold_reason=hold,
        summary=summary.translate(restore) if summary else None,
        body=body.translate(restore),
        image_url=choose_image(stated, page_url) or _own_picture(visible, title, page_url),
        language=(language or "").replace("_", "-")[:35] or None,
        source=source,
    )


def _byline(stated: PageMeta, candidates: list[list[str]], body: str) -> str | None:
    """The first people who make a byline (metadata, visible byline, credit line, guess)."""
    for people in candidates:
        named = [person.strip() for person in people if person.strip()]
        byline = choose_byline(replace(stated, people=named), body) if named else None
        if byline:
            return byline
    return None


def _own_picture(visible: Visible, title: str, page_url: str | None) -> str | None:
    """The `<img>` captioned with the headline, for a page that names no photo in metadata."""
    src = headline_image(visible, title)
    return choose_image(PageMeta(images=[Image(src)]), page_url) if src else None


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
