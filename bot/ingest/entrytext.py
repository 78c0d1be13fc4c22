"""The text of one feed item made postable: title, lead, body, and a reason to hold it if any.

Every feed format (RSS/Atom through feedparser, JSON Feed through our reader) hands over the
same raw material — a title, a description and a content, already reduced to paragraphs — and
gets back the same decisions, made here once:
- mojibake repaired where certain (`mojibake`), else the item held with the reason;
- the site's name taken off the title (`titles`);
- the lead chosen and cut (`lead`), boilerplate removed from lead and body (`boilerplate`);
- adverts ("Featured Advertiser", "[Sponsor] …") held with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.ingest.boilerplate import advert_reason, clean_blocks
from bot.ingest.lead import choose_lead
from bot.ingest.mojibake import repair
from bot.ingest.normalise import Extracted
from bot.ingest.titles import strip_site_name


@dataclass(frozen=True)
class EntryText:
    """An item's postable text, and why it must be held back (None when it may go out)."""

    title: str
    summary: str
    body: str
    hold_reason: str | None = None


def entry_text(
    title: str,
    summary: Extracted,
    body: Extracted,
    *,
    url: str | None,
    names: Sequence[str],
    summary_raw_length: int = 0,
    cap: int | None = None,
) -> EntryText:
    """Decide one item's title, lead (stored as its summary), body and hold reason."""
    lead = choose_lead(summary.blocks, body.blocks, summary_raw_length=summary_raw_length, cap=cap)
    # The body is the fullest text there is: the content, else the whole description.
    full = _joined(body) or _joined(summary)
    garbled: list[str] = []
    texts: list[str] = []
    for text in (title, lead, full):
        repaired = repair(text)
        texts.append(repaired.text)
        if repaired.garbled:
            garbled.append(repaired.garbled)
    title, lead, full = texts
    title = strip_site_name(title, [*names, *_publisher(title, summary)])
    reason = advert_reason(title, url)
    if reason is None and garbled:
        reason = f"text looks garbled: {garbled[0]!r}"
    return EntryText(title=title, summary=lead, body=full, hold_reason=reason)


def _joined(extracted: Extracted) -> str:
    return "\n\n".join(block.text for block in clean_blocks(extracted.blocks))


def _publisher(title: str, summary: Extracted) -> list[str]:
    """The publisher an aggregator's description names after the headline, if it does.

    Google News' Atom items have no <source>: their description opens with the headline as a
    link followed by the publisher ("Manchin … bill CNN" for "Manchin … bill - CNN").
    """
    if not summary.blocks:
        return []
    first = " ".join(summary.blocks[0].text.split())
    head, _, tail = title.rpartition(" - ")
    if head and tail and first == f"{head} {tail}":
        return [tail]
    return []
