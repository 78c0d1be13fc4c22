"""Any feed's bytes to drafts: format detection, then feedparser (XML) or our JSON Feed reader.

feedparser only ever gets bytes wrapped in a stream: given a bare `bytes` it would try to open
them as a *file name* first, and given a URL it would fetch it with no limits. Its own HTML
sanitiser and URI rewriting are switched off because `normalise` reduces all HTML to plain
text anyway; doing the work twice was most of the cost of ingesting a feed.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import feedparser

from bot.domain.errors import NotAFeedError
from bot.ingest.categories import feed_section
from bot.ingest.dates import DateReading, feed_instant, feed_zone, read_date, struct_reading
from bot.ingest.encoding import prepare_xml
from bot.ingest.entries import EntryFields, ParsedFeed, add_entry, finish_feed
from bot.ingest.entrymeta import (
    entry_byline,
    entry_category,
    entry_image,
    feed_author,
    feed_images,
    source_title,
)
from bot.ingest.entrytext import entry_text
from bot.ingest.jsonfeed import parse_json_feed
from bot.ingest.lead import publisher_cap
from bot.ingest.links import canonical_link, is_opaque_redirect
from bot.ingest.mojibake import repair
from bot.ingest.normalise import (
    Extracted,
    absolute_url,
    extract_html,
    plain_text,
    title_text,
)
from bot.ingest.saxbuffer import buffered_text, install
from bot.ingest.titles import site_names

logger = logging.getLogger(__name__)
install()  # feedparser may read with buffered text (see saxbuffer)

_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|RDF|channel)[\s>]", re.IGNORECASE)
_HTML_START = re.compile(rb"^(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
# An empty <item/> carries nothing, but nested inside a real item (PCMag's FeedBurner feed)
# it closes that item early for feedparser, and what follows (feedburner:origLink) is lost.
_EMPTY_ITEM = re.compile(rb"<(?:[\w-]+:)?item\s*/>|<((?:[\w-]+:)?item)\s*>\s*</\1\s*>")
_MRSS_PREFIX = re.compile(rb"""xmlns:([\w.-]+)\s*=\s*["']http://search\.yahoo\.com/mrss/?["']""")


def parse_feed(
    data: bytes,
    *,
    url: str | None,
    tz: ZoneInfo,
    now: datetime,
    source: str | None,
    category: str | None = None,
    content_type: str | None = None,
    hold_undated: bool = True,
) -> ParsedFeed:
    """Drafts from a feed body of any supported format; `NotAFeedError` if it is none.

    `hold_undated`: a feed that dates none of its items has them held for an editor (fetched
    from a source, they may be years old); an editor's deliberate import passes False and they
    are taken as published at `now`.
    """
    prepared = prepare_xml(data, content_type)
    if prepared[:1] in (b"{", b"["):
        parsed = parse_json_feed(
            prepared, url=url, tz=tz, now=now, source=source, category=category
        )
        return finish_feed(parsed, hold_undated=hold_undated)
    if _HTML_START.match(prepared) and not _FEED_ROOT.search(prepared):
        raise NotAFeedError("the body is an HTML page, not a feed (is the feed URL right?)")
    prepared = _EMPTY_ITEM.sub(b"", _hide_media_descriptions(prepared))
    headers = {"content-location": url} if url else {}
    if content_type:
        headers["content-type"] = content_type
    with buffered_text():
        result = feedparser.parse(
            io.BytesIO(prepared),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    if not result.entries:
        if result.get("bozo"):
            problem = result.get("bozo_exception")
            raise NotAFeedError(f"unreadable feed: {problem}")
        if not result.get("version"):
            raise NotAFeedError("no RSS, Atom or JSON Feed found in the body")
    elif result.get("bozo"):
        problem = result.get("bozo_exception")
        logger.info("salvaged %d entries from a malformed feed: %s", len(result.entries), problem)
    parsed = _drafts(result, url=url, tz=tz, now=now, source=source, category=category)
    return finish_feed(parsed, hold_undated=hold_undated)


def _hide_media_descriptions(data: bytes) -> bytes:
    """Rename Media RSS `<media:description>` so feedparser does not take it for the summary.

    feedparser handles `media:description` as a second `<description>`: the NYT's photo
    captions, which come first in each item, became the summary and the real description
    became the "content". Renamed, the caption is an unknown element feedparser keeps aside.
    """
    if b":description" not in data:
        return data
    for prefix in set(_MRSS_PREFIX.findall(data[:4096])):
        data = re.sub(rb"<(/?)" + re.escape(prefix) + rb":description\b", rb"<\1" + prefix +
                      rb":caption", data)  # fmt: skip
    return data


def _drafts(
    result: Any,
    *,
    url: str | None,
    tz: ZoneInfo,
    now: datetime,
    source: str | None,
    category: str | None,
) -> ParsedFeed:
    feed = result.feed
    base = absolute_url(feed.get("link"), _feed_location(feed, url)) or url
    feed_title = repair(title_text(feed.get("title"), is_html=False)).text
    parsed = ParsedFeed(feed_title=feed_title or None)
    language = feed.get("language") or None
    own_images = feed_images(feed, base)
    section = feed_section(feed.get("link"), parsed.feed_title)
    feed_tags = [str(tag.get("term") or "") for tag in feed.get("tags") or []]
    outlets = [parsed.feed_title or ""]
    inherited = feed_author(result)
    cap = publisher_cap(entry.get("summary") for entry in result.entries)
    readings = [_reading(entry) for entry in result.entries]
    zone = feed_zone([*readings, *_channel_readings(feed)], tz)
    for number, (entry, reading) in enumerate(zip(result.entries, readings, strict=True), start=1):
        raw_link = _link(entry, base)
        link = canonical_link(raw_link, alternatives=(_guid_url(entry, base),))
        summary_html, summary_is_html = _detail(entry, "summary")
        content_html, content_is_html = _content(entry)
        summary = _text(summary_html, summary_is_html, link or base)
        # Many feeds repeat the description as the content: parse it once.
        same = (content_html, content_is_html) == (summary_html, summary_is_html)
        body = summary if same else _text(content_html, content_is_html, link or base)
        title_detail = entry.get("title_detail") or {}
        published, date_only = feed_instant(reading, zone) if reading else (None, False)
        text = entry_text(
            title_text(entry.get("title"), is_html=_is_html(title_detail)),
            summary,
            body,
            url=link,
            names=site_names(feed_title, source_title(entry), url=link or base),
            summary_raw_length=len((summary_html or "").strip()),
            cap=cap,
        )
        add_entry(
            parsed,
            EntryFields(
                where=f"entry {number}",
                guid=entry.get("id") or None,
                url=link,
                title=text.title,
                summary=text.summary,
                body=text.body,
                image_url=entry_image(entry, link or base, (body, summary), own_images),
                published=published,
                category=category or entry_category(entry, link, section, feed_tags, outlets),
                byline=entry_byline(entry, outlets, inherited),
                language=title_detail.get("language") or language,
                date_only=date_only,
                raw_url=raw_link,
                hold_reason=text.hold_reason,
            ),
            now=now,
            source=source,
        )
    return parsed


def _feed_location(feed: Any, url: str | None) -> str | None:
    """Where the feed lives: the fetch URL, else its rel=self link, else an http(s) Atom id."""
    selves = [link.get("href") for link in feed.get("links") or [] if link.get("rel") == "self"]
    for candidate in (url, *selves, feed.get("id")):
        resolved = absolute_url(candidate, None)
        if resolved:
            return resolved
    return None


def _is_html(detail: Any) -> bool:
    return "html" in str(detail.get("type") or "text/html")


def _detail(entry: Any, key: str) -> tuple[str | None, bool]:
    value = entry.get(key)
    return value, _is_html(entry.get(f"{key}_detail") or {})


def _content(entry: Any) -> tuple[str | None, bool]:
    contents = entry.get("content") or []
    if not contents:
        return None, False
    best = max(contents, key=lambda c: len(c.get("value") or ""))
    return best.get("value"), _is_html(best)


def _text(value: str | None, is_html: bool, base: str | None) -> Extracted:
    if not value:
        return Extracted("", None)
    return extract_html(value, base_url=base) if is_html else plain_text(value)


def _link(entry: Any, base: str | None) -> str | None:
    """The article link as the feed gives it (identity is computed from this spelling)."""
    # FeedBurner and Pheedo wrap links in trackers but keep the original beside them.
    for key in ("feedburner_origlink", "pheedo_origlink", "link"):
        resolved = absolute_url(entry.get(key), base)
        if resolved:
            return resolved
    for link in entry.get("links") or []:
        if link.get("rel") in (None, "alternate"):
            resolved = absolute_url(link.get("href"), base)
            if resolved:
                return resolved
    return None


def _guid_url(entry: Any, base: str | None) -> str | None:
    """The guid when it is an article URL (a permalink), else None."""
    guid = str(entry.get("id") or "").strip()
    if not guid.lower().startswith(("http://", "https://")) or is_opaque_redirect(guid):
        return None
    return absolute_url(guid, base)


def _reading(entry: Any) -> DateReading | None:
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        found = read_date(raw) or struct_reading(entry.get(f"{key}_parsed"), raw)
        if found is not None:
            return found
    return None


def _channel_readings(feed: Any) -> list[DateReading | None]:
    """The channel's own dates (pubDate, lastBuildDate, updated): they state its offset too."""
    # dict.get: feedparser's own get() maps a missing "updated" to "published", with a warning.
    return [read_date(dict.get(feed, key)) for key in ("published", "updated")]
