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
from bot.ingest.lead import echoes, lead_of_clean
from bot.ingest.mojibake import repair
from bot.ingest.normalise import Block, Extracted
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
    fixed_title = repair(title)
    publishers = _publisher(fixed_title.text, summary) or _publisher(fixed_title.text, body)
    title = strip_site_name(fixed_title.text, [*names, *publishers])
    # Cleaned once here, for the lead and the body both (cleaning is most of this function).
    summary_blocks = clean_blocks(summary.blocks)
    body_blocks = summary_blocks if body is summary else clean_blocks(body.blocks)
    lead = lead_of_clean(
        summary_blocks,
        body_blocks,
        title=fixed_title.text,
        summary_raw_length=summary_raw_length,
        cap=cap,
    )
    # The body is the fullest text there is: the content, else the whole description.
    full = _joined(body_blocks, fixed_title.text) or _joined(summary_blocks, fixed_title.text)
    garbled = [fixed_title.garbled] if fixed_title.garbled else []
    texts: list[str] = []
    for text in (lead, full):
        repaired = repair(text)
        texts.append(repaired.text)
        if repaired.garbled:
            garbled.append(repaired.garbled)
    lead, full = texts
    reason = advert_reason(title, url)
    if reason is None and garbled:
        reason = f"text looks garbled: {garbled[0]!r}"
    return EntryText(title=title, summary=lead, body=full, hold_reason=reason)


def _joined(blocks: list[Block], title: str) -> str:
    """All the cleaned text; a paragraph that only repeats the title is none."""
    if blocks and echoes(blocks[0].text, title):
        blocks = blocks[1:]
    return "\n\n".join(block.text for block in blocks)


def _publisher(title: str, summary: Extracted) -> list[str]:
    """The publisher an aggregator's description names after the headline, if it does.

    Google News' Atom items have no <source>: their description (or content) opens with the
    headline as a link followed by the publisher ("Manchin … bill CNN" for "Manchin … bill -
    CNN"), sometimes run straight into a "View Full Coverage" link in the same paragraph.
    """
    if not summary.blocks:
        return []
    first = " ".join(summary.blocks[0].text.split())
    head, _, tail = title.rpartition(" - ")
    named = f"{head} {tail}"
    if head and tail and first.startswith(named):
        return [tail]
    return []
