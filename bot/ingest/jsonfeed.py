"""JSON Feed 1.0 and 1.1, read by our own code because feedparser 6 does not read JSON at all.

Only documents whose `version` is a jsonfeed.org URL are accepted. Other JSON at a feed URL —
notably Dave Winer's "RSS-in-JSON", which has `rss.channel.item` — is refused with a message that
says what it is, rather than being half-understood.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.errors import NotAFeedError
from bot.ingest.bylines import clean_byline
from bot.ingest.categories import Category, pick_category
from bot.ingest.dates import DateReading, feed_instant, feed_zone, read_date
from bot.ingest.drafts import Rejection
from bot.ingest.entries import EntryFields, ParsedFeed, add_entry
from bot.ingest.entrytext import entry_text
from bot.ingest.images import ImageCandidate, pick_image
from bot.ingest.lead import publisher_cap
from bot.ingest.links import canonical_link
from bot.ingest.mojibake import repair
from bot.ingest.normalise import absolute_url, extract_html, one_line, plain_text, title_text
from bot.ingest.titles import site_names

_VERSION_PREFIX = "https://jsonfeed.org/version/"


def parse_json_feed(
    data: bytes,
    *,
    url: str | None,
    tz: ZoneInfo,
    now: datetime,
    source: str | None,
    category: str | None = None,
) -> ParsedFeed:
    """Drafts from a JSON Feed document; `NotAFeedError` for any other JSON."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotAFeedError(f"not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise NotAFeedError("JSON, but not a JSON Feed (the top level is not an object)")
    version = document.get("version")
    if not (isinstance(version, str) and version.startswith(_VERSION_PREFIX)):
        if isinstance(document.get("rss"), dict):
            raise NotAFeedError(
                "this is RSS-in-JSON (an 'rss' object), not a JSON Feed; "
                "use the site's RSS or Atom URL instead"
            )
        raise NotAFeedError("JSON, but not a JSON Feed (no jsonfeed.org 'version')")
    items = document.get("items")
    if not isinstance(items, list):
        raise NotAFeedError("JSON Feed without an 'items' list")
    base = absolute_url(_str(document.get("home_page_url")), url) or url
    feed_title = repair(one_line(_str(document.get("title")) or "")).text
    parsed = ParsedFeed(feed_title=feed_title or None)
    feed_language = _str(document.get("language"))
    outlets = [parsed.feed_title or ""]
    feed_authors = _authors(document, outlets)
    feed_images = [absolute_url(_str(document.get(key)), base) for key in ("icon", "favicon")]
    readings = [_reading(item) if isinstance(item, dict) else None for item in items]
    zone = feed_zone(readings, tz)
    cap = publisher_cap(_str(item.get("summary")) for item in items if isinstance(item, dict))
    for number, (item, reading) in enumerate(zip(items, readings, strict=True), start=1):
        if not isinstance(item, dict):
            parsed.rejections.append(Rejection(f"item {number}", "item is not an object"))
            continue
        raw_link = absolute_url(_str(item.get("url")) or _str(item.get("external_url")), base)
        item_id = item.get("id")
        guid_url = absolute_url(item_id, base) if isinstance(item_id, str) else None
        link = canonical_link(raw_link, alternatives=(guid_url,))
        content = extract_html(_str(item.get("content_html")) or "", base_url=link or base)
        if not content.blocks:
            content = plain_text(_str(item.get("content_text")) or "")
        raw_summary = _str(item.get("summary")) or ""
        text = entry_text(
            title_text(_str(item.get("title")), is_html=False),
            plain_text(raw_summary),
            content,
            url=link,
            names=site_names(feed_title, url=link or base),
            summary_raw_length=len(raw_summary.strip()),
            cap=cap,
        )
        named = [
            ImageCandidate(url)
            for key in ("image", "banner_image")
            if (url := absolute_url(_str(item.get(key)), base))
        ]
        image = pick_image([named, content.images], exclude=feed_images)
        tags = item.get("tags")
        categories = [Category(one_line(t)) for t in tags or [] if isinstance(t, str)]
        published, date_only = feed_instant(reading, zone) if reading else (None, False)
        add_entry(
            parsed,
            EntryFields(
                where=f"item {number}",
                guid=str(item_id) if isinstance(item_id, (str, int)) and item_id != "" else None,
                url=link,
                title=text.title,
                summary=text.summary,
                body=text.body,
                image_url=image,
                published=published,
                category=category or pick_category(categories, url=link, site_names=outlets),
                byline=_authors(item, outlets) or feed_authors,
                language=_str(item.get("language")) or feed_language,
                date_only=date_only,
                raw_url=raw_link,
                hold_reason=text.hold_reason,
            ),
            now=now,
            source=source,
        )
    return parsed


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _authors(holder: dict[str, Any], outlets: list[str]) -> str | None:
    # 1.1 has an `authors` list; 1.0 had a single `author` object.
    people = holder.get("authors")
    if not isinstance(people, list):
        people = [holder.get("author")]
    names = [one_line(p["name"]) for p in people if isinstance(p, dict) and _str(p.get("name"))]
    return clean_byline("; ".join(names), outlets=outlets)


def _reading(item: dict[str, Any]) -> DateReading | None:
    return read_date(_str(item.get("date_published"))) or read_date(
        _str(item.get("date_modified"))
    )
