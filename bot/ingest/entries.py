"""From one feed entry's cleaned fields to an `ArticleDraft`: the rules every feed format shares.

RSS/Atom (feedparser) and JSON Feed differ in shape, not in policy; the policy lives here once:
a missing title is taken from the text, identity is guid → normalised URL → hash, a missing date
is the first-seen time (and remembered as such, so a later fetch does not "update" the article
to a new time), and the first of two entries with one identity wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain import ArticleDraft
from bot.identity import article_guid
from bot.ingest.drafts import ParsedInput, Rejection
from bot.ingest.normalise import shorten


@dataclass
class ParsedFeed(ParsedInput):
    """The drafts of one feed, plus which of them had no date of their own."""

    undated: set[str] = field(default_factory=set)
    feed_title: str | None = None
    _seen: set[str] = field(default_factory=set, repr=False)


@dataclass(frozen=True)
class EntryFields:
    """One entry's values after cleaning, before identity and fallbacks are applied."""

    where: str
    guid: str | None
    url: str | None
    title: str
    summary: str
    body: str
    image_url: str | None
    published: datetime | None
    category: str | None
    byline: str | None
    language: str | None
    hold_reason: str | None = None  # an advert, or text that could not be repaired


def add_entry(
    parsed: ParsedFeed, fields: EntryFields, *, now: datetime, source: str | None
) -> None:
    """Apply the shared rules and append the draft, or a rejection saying why not."""
    title = fields.title or shorten(fields.summary or fields.body)
    if not title:
        parsed.rejections.append(Rejection(fields.where, "entry has neither title nor text"))
        return
    guid = article_guid(fields.guid, fields.url, title, fields.published)
    if guid in parsed._seen:
        return  # the same story twice in one feed (the corpus has repeated guids and links)
    parsed._seen.add(guid)
    if fields.published is None:
        parsed.undated.add(guid)
    summary = fields.summary or None
    body = fields.body if fields.body and fields.body != fields.summary else None
    parsed.drafts.append(
        ArticleDraft(
            guid=guid,
            url=fields.url,
            title=title,
            category=fields.category or None,
            byline=fields.byline or None,
            published_at=fields.published or now,
            summary=summary,
            body=body,
            image_url=fields.image_url,
            language=fields.language or None,
            source=source,
            hold_reason=fields.hold_reason,
        )
    )
