"""The lead of a feed item: the article's summary, or the opening of its text, short and whole.

A post's lead must say what the article says, in a paragraph or two. Feeds make that hard:
- the description may be a real summary, the whole article (Daring Fireball, The Guardian,
  HuffPost), or a list of links (Google News' coverage list, rue89's "Articles en rapport");
- full-content feeds open with photo captions and epigraphs and carry code listings;
- publishers cut descriptions at a fixed length, mid-word ("…over-covered by every media out"),
  with or without a "..." of their own.
So the lead is chosen from paragraphs (`Block`s) rather than from flat text: the summary's prose
if it has any, else the body's; code, captions, tables and link lists never; an opening quote
only when nothing else follows. It keeps the first paragraph, and the second when the first is
short or introduces it ("…, writing for TidBITS:"), and is cut at a sentence or a word, with
"…", when still too long. A description the publisher truncated is cut back the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.ingest.boilerplate import clean_blocks
from bot.ingest.normalise import Block
from bot.rendering.text import ELLIPSIS, ends_sentence, truncate, utf16_len

LEAD_MAX = 600  # UTF-16 units: a photo caption is 1,024 with the title and the meta line
_SHORT_PARAGRAPH = 200  # a first paragraph shorter than this is joined by the second
_TAGLINE_WORDS = 6  # a summary this short without a sentence stop is a subtitle
_TEASER_STOPS = ("?", "!", "？", "！", "؟")  # how a short teaser ends when it asks or exclaims
_PUBLISHER = 40  # characters after an echoed title that may still be a publisher's name
_ATTRIBUTION = 80  # characters: the longest line taken for an epigraph's attribution
_NEVER_LEAD = frozenset({"code", "caption", "table", "heading"})
# How publishers mark a cut: "...", "…", "[…]", "[...]", "(…)", NewsAPI's "[+1234 chars]", and
# "[?]" (a "[…]" that went through a charset without "…").
_CUT_MARK = re.compile(
    r"\s*(?:\[\s*(?:…|\.\.\.|\?|\+\d+\s*chars)\s*\]|\(\s*(?:…|\.\.\.)\s*\)|…|\.{3,})$"
)
_NOT_ALNUM = re.compile(r"[\W_]+")
_MIN_CAPPED = 3  # descriptions at one length before that length is taken for a cap


def publisher_cap(descriptions: Iterable[str | None]) -> int | None:
    """The fixed length a feed cuts its descriptions at, if it evidently has one.

    PCMag's descriptions are all 99-100 characters and stop mid-word with no mark at all: when
    at least three distinct descriptions, and half of all, sit within two characters of the
    longest, that longest length is the publisher's cap.
    """
    texts = {text.strip() for text in descriptions if text and text.strip()}
    if len(texts) < _MIN_CAPPED:
        return None
    lengths = [len(text) for text in texts]
    longest = max(lengths)
    at_cap = sum(1 for length in lengths if length >= longest - 2)
    return longest if at_cap >= _MIN_CAPPED and at_cap * 2 >= len(lengths) else None


def choose_lead(
    summary: Sequence[Block],
    body: Sequence[Block],
    *,
    title: str = "",
    summary_raw_length: int = 0,
    cap: int | None = None,
) -> str:
    """The lead: the summary's opening prose, else the body's; "" when neither has any.

    A summary that only repeats the `title` (Google News: the headline and its publisher) is
    none, and one that is a mere tagline ("A Journey with links") gives way to the body's
    opening. `summary_raw_length` and `cap` let a description cut at the feed's fixed length be
    recognised as cut (see `publisher_cap`).
    """
    return lead_of_clean(
        clean_blocks(summary),
        clean_blocks(body),
        title=title,
        summary_raw_length=summary_raw_length,
        cap=cap,
    )


def lead_of_clean(
    summary: Sequence[Block],
    body: Sequence[Block],
    *,
    title: str = "",
    summary_raw_length: int = 0,
    cap: int | None = None,
) -> str:
    """`choose_lead` on blocks that already went through `clean_blocks`.

    An item's text needs its cleaned blocks twice, for the lead and for the stored body:
    cleaning once and sharing the result halves that work (the tail patterns run over the
    whole last paragraph), which the ingest benchmark showed.
    """
    paragraphs = _without_echo(_lead_texts(summary), title)
    from_summary = bool(paragraphs)
    if _is_tagline(paragraphs):
        opening = _without_echo(_lead_texts(body), title)
        if opening:
            paragraphs, from_summary = opening, False
    if not paragraphs:
        paragraphs = _without_echo(_lead_texts(body), title)
    if not paragraphs:
        return ""
    chosen = [paragraphs[0]]
    first = paragraphs[0]
    if len(paragraphs) > 1 and (len(first) < _SHORT_PARAGRAPH or first.endswith(":")):
        chosen.append(paragraphs[1])
    lead = "\n".join(chosen)
    if from_summary and len(chosen) == len(paragraphs):
        capped = cap is not None and summary_raw_length >= cap - 2
        lead = cut_back(lead, capped=capped)
    return truncate(lead, LEAD_MAX) if utf16_len(lead) > LEAD_MAX else lead


def _without_echo(paragraphs: list[str], title: str) -> list[str]:
    """The paragraphs without an opening one that only repeats the title."""
    return paragraphs[1:] if paragraphs and echoes(paragraphs[0], title) else paragraphs


def _is_tagline(paragraphs: list[str]) -> bool:
    """A lone phrase of a few words that states nothing: a subtitle, not a summary.

    No sentence stop ("A Journey with links"), or a question or exclamation ("Streaming music
    all day?"): a teaser asks, a summary says what the article says.
    """
    if len(paragraphs) != 1 or len(paragraphs[0].split()) > _TAGLINE_WORDS:
        return False
    phrase = paragraphs[0].rstrip()
    return not ends_sentence(phrase) or phrase.endswith(_TEASER_STOPS)


def echoes(paragraph: str, title: str) -> bool:
    """Whether the paragraph is the title again, perhaps followed by a publisher's name."""
    if not title or len(paragraph) > len(title) + 2 * _PUBLISHER:
        return False
    text, head = _fold(paragraph), _fold(title)
    return bool(head) and text.startswith(head) and len(text) - len(head) <= _PUBLISHER


def _fold(text: str) -> str:
    return _NOT_ALNUM.sub("", text.casefold())


def _lead_texts(cleaned: Sequence[Block]) -> list[str]:
    """The paragraphs a lead is made from, out of blocks `clean_blocks` already cleaned."""
    usable = [block for block in cleaned if block.kind not in _NEVER_LEAD]
    # A quotation before the article's first own paragraph is an epigraph (or a pull quote),
    # and the short line after it ("Mozilla, Mission.", "— Mark Twain") its attribution.
    if usable and usable[0].kind == "quote" and any(b.kind != "quote" for b in usable):
        while usable[0].kind == "quote":
            usable.pop(0)
        if len(usable) > 1 and len(usable[0].text) <= _ATTRIBUTION:
            usable.pop(0)
    return [block.text for block in usable]


def cut_back(text: str, *, capped: bool = False) -> str:
    """Text the publisher cut short, cut back to a sentence or a word and ended with "…".

    A cut is recognised by its mark ("...", "…", "[…]") or, with `capped`, by a last sentence
    that does not end (the feed cuts every description at one length). Text that ends in a
    sentence stop is whole and returned unchanged.
    """
    stripped = text.rstrip()
    mark = _CUT_MARK.search(stripped)
    if mark is None and not (capped and not ends_sentence(stripped)):
        return text
    kept = stripped[: mark.start()] if mark else stripped
    kept = kept.rstrip(" ,;:-–—")
    if not kept:
        return ""
    if ends_sentence(kept):  # "…to 2017. ..." : the cut fell between sentences
        return f"{kept} {ELLIPSIS}"
    # The last word may be a fragment ("renovaç"): cut before it, preferring a sentence end.
    shorter = truncate(kept, utf16_len(kept) - 1)
    return shorter if shorter.strip(ELLIPSIS + " ") else kept + ELLIPSIS
