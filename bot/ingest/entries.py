"""From one feed entry's cleaned fields to an `ArticleDraft`: the rules every feed format shares.

RSS/Atom (feedparser) and JSON Feed differ in shape, not in policy; the policy lives here once:
a missing title is taken from the text, identity is guid → normalised URL → hash (the URL as the
feed wrote it, so stored keys never change; the URL *stored* is the clean one), a missing date
is the first-seen time (and remembered as such, so a later fetch does not "update" the article
to a new time), and the first of two entries with one identity wins.

A feed with no dates at all is different: its items may be years old, so posting them as fresh
would mislead. `finish_feed` holds them ("no publication date") unless an editor imports the
feed on purpose. One undated item in an otherwise dated feed keeps the first-seen rule: the
feed's dates show it is live, so an item appearing in it is new.
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
    dated: int = 0
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
    date_only: bool = False
    # The link as the feed wrote it, when `url` was cleaned from it: identity is computed from
    # this so that articles stored before links were cleaned keep their keys.
    raw_url: str | None = None


def add_entry(
    parsed: ParsedFeed, fields: EntryFields, *, now: datetime, source: str | None
) -> None:
    """Apply the shared rules and append the draft, or a rejection saying why not."""
    title = fields.title or shorten(fields.summary or fields.body)
    if not title:
        parsed.rejections.append(Rejection(fields.where, "entry has neither title nor text"))
        return
    guid = article_guid(fields.guid, fields.raw_url or fields.url, title, fields.published)
    if guid in parsed._seen:
        return  # the same story twice in one feed (the corpus has repeated guids and links)
    parsed._seen.add(guid)
    if fields.published is None:
        parsed.undated.add(guid)
    else:
        parsed.dated += 1
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
            date_only=fields.date_only and fields.published is not None,
        )
    )


UNDATED_REASON = "no publication date"


def finish_feed(parsed: ParsedFeed, *, hold_undated: bool) -> ParsedFeed:
    """Hold every item of a feed that dates none of them, unless told not to (an import)."""
    if hold_undated and parsed.drafts and parsed.dated == 0:
        parsed.drafts = [
            draft.model_copy(update={"hold_reason": UNDATED_REASON}) for draft in parsed.drafts
        ]
    return parsed
