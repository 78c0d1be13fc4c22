"""A page's lead: its own summary when that is a real one, else the start of the article.

What pages put in their descriptions is often not a summary: "| Lebanon News" (the site's name
and nothing else), the headline again, "see the latest news on our site", or the first
paragraph cut at 160 characters mid-word. So a description is used only when, once the site's
name is taken off, it has words of its own, is not the title, does not talk about the site,
and is not a cut-off copy of the body — in that last case the body's own sentence is the lead,
whole, from where the description starts. A description the publisher marked as cut ("...",
"…") ends on a whole word with "…"; one without such a mark is taken as whole (a dek often has
no full stop, and guessing a cut would chop its last word).
"""

from __future__ import annotations

import itertools
import re

from bot.ingest.pagefields import SEPARATORS, strip_site

_ENDS = frozenset(".!?。！？؟۔।\"'”’»)]」』")
_MIN_LETTERS = 12
_CUT_LENGTH = 120  # publishers cut descriptions at 150-300 characters; a short dek is whole
_PROBE = 50  # characters of a description looked for in the body


def strip_title(body: str, titles: list[str]) -> str:
    """The body without leading paragraphs that repeat the headline."""
    folded = {" ".join(title.split()).casefold() for title in titles if title}
    paragraphs = body.split("\n\n")
    while len(paragraphs) > 1 and " ".join(paragraphs[0].split()).casefold() in folded:
        paragraphs.pop(0)
    return "\n\n".join(paragraphs)


def choose_summary(
    descriptions: list[str], *, title: str, body: str, names: list[str]
) -> str | None:
    """The lead to post, or None when the body's first paragraphs should be the lead."""
    for raw in descriptions:
        text = strip_site(raw, names).strip(" " + SEPARATORS)
        if sum(ch.isalpha() for ch in text) < _MIN_LETTERS:
            continue  # a placeholder such as "| Lebanon News"
        if text.casefold() == title.casefold() or _mentions_site(text, names):
            continue
        marked_cut = text.endswith(("...", "…"))
        complete = not marked_cut and (text[-1] in _ENDS or len(text) < _CUT_LENGTH)
        from_body = _in_body(text, body)
        if from_body is not None and not complete:
            return from_body
        return _cut(text) if marked_cut else text
    return None


def _mentions_site(text: str, names: list[str]) -> bool:
    """The text names the site by two words of a name ("…on the Young Journalists Club site")."""
    folded = text.casefold()
    for name in names:
        words = [word for word in name.casefold().split() if len(word) >= 3]
        for first, second in itertools.pairwise(words):
            if f"{first} {second}" in folded:
                return True
    return False


def _in_body(text: str, body: str) -> str | None:
    """When `text` is a copy of body text: the body's paragraphs it covers, from its start."""
    probe = " ".join(text.split())[:_PROBE].rstrip("…. ")
    if len(probe) < 20:
        return None
    flats = [" ".join(paragraph.split()) for paragraph in body.split("\n\n")]
    joined = " ".join(flats)
    start = joined.find(probe)
    if start < 0:
        return None
    end = start + len(" ".join(text.split()))
    covered: list[str] = []
    offset = 0
    for flat in flats:
        first, last = offset, offset + len(flat)
        offset = last + 1
        if last <= start:
            continue
        covered.append(flat[max(start - first, 0) :])
        if last >= end:
            break
    return "\n\n".join(covered)


def _cut(text: str) -> str:
    """A description its publisher cut ("... the gover..."), ended on a whole word with "…"."""
    text = re.sub(r"[.…]+$", "", text).rstrip()
    if " " in text:
        text = text.rsplit(" ", 1)[0].rstrip(",;:–—-")
    return text + "…"
