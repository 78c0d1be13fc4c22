"""The card's layout and how it is fitted into Telegram's length limits.

A card is a list of lines, each a list of (text, bold) segments of *plain* text. The HTML and the
plain version are both produced from the same segments, so they cannot disagree, and every length
is measured on the plain version, which is what Telegram counts (UTF-16 units after entity
parsing). Cutting happens on plain text before escaping, so no cut can land inside a tag or an
HTML entity.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.rendering.direction import mark_rtl
from bot.rendering.text import escape_html, truncate, utf16_len

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024

# Below this much room a lead would be a stub like "Russia…": better no lead at all.
MIN_LEAD_UTF16 = 40

Segment = tuple[str, bool]  # (plain text, bold)
Line = list[Segment]


@dataclass(frozen=True)
class CardParts:
    """The cleaned pieces of a card, before fitting: every field is plain, unescaped text."""

    label: str  # the breaking label, or "" for an ordinary post
    title: str
    meta: str  # "#Tag · By Someone · 27 Nov 2026, 14:05"
    lead: str  # paragraphs joined by a blank line
    rtl: bool
    footer: str = ""  # an edition's last line ("Follow @example_news"); always kept


def layout(parts: CardParts, title: str, lead: str) -> list[Line]:
    """Lay the card out with the given (possibly shortened) title and lead."""
    lines: list[Line] = []
    if parts.label:
        lines.append([(parts.label, True)])
    if title:
        lines.append([(title, True)])
    if parts.meta:
        lines.append([(parts.meta, False)])
    if lead:
        if lines:
            lines.append([])
        lines.extend([(paragraph, False)] if paragraph else [] for paragraph in lead.split("\n"))
    if parts.footer:
        if lines:
            lines.append([])
        lines.append([(parts.footer, False)])
    if parts.rtl:
        lines = [_mark_line(line) for line in lines]
    return lines


def _mark_line(line: Line) -> Line:
    """Give an RTL post's line an RLM when it would otherwise start neutral or left-to-right."""
    if not line:
        return line
    first_text = line[0][0]
    marked = mark_rtl(first_text)
    # The mark goes outside any bold tag: it is layout, not part of the bold words.
    return line if marked == first_text else [(marked[0], False), *line]


def to_plain(lines: list[Line]) -> str:
    """The card as Telegram shows it: the text after entity parsing."""
    return "\n".join("".join(text for text, _ in line) for line in lines)


def to_html(lines: list[Line]) -> str:
    """The card in Telegram's HTML parse mode: escaped text, and only <b> tags."""
    return "\n".join(
        "".join(
            f"<b>{escape_html(text)}</b>" if bold else escape_html(text) for text, bold in line
        )
        for line in lines
    )


def _size(lines: list[Line]) -> int:
    return utf16_len(to_plain(lines))


def fit(parts: CardParts, limit: int) -> list[Line]:
    """Lay the card out within ``limit`` UTF-16 units of plain text.

    The title and the labels always stay; the lead is shortened first, and dropped when too
    little room remains for it. Only a title that alone overflows the limit is shortened.
    """
    full = layout(parts, parts.title, parts.lead)
    if _size(full) <= limit:
        return full
    head = layout(parts, parts.title, "")
    if _size(head) <= limit:
        room = limit - _size(head) - 2  # the blank line between the head and the lead
        lead = _shrink(lambda text: layout(parts, parts.title, text), parts.lead, room, limit)
        return layout(parts, parts.title, lead or "")
    room = limit - _size(layout(parts, "", "")) - 1  # the title's line break
    title = _shrink(lambda text: layout(parts, text, ""), parts.title, room, limit, minimum=1)
    return layout(parts, title or "", "")


def _shrink(
    build: Callable[[str], list[Line]],
    text: str,
    room: int,
    limit: int,
    minimum: int = MIN_LEAD_UTF16,
) -> str | None:
    """Truncate text until the card built from it fits; None if it cannot keep ``minimum`` units.

    The first guess can overshoot by the RLMs added to the lines a cut creates or keeps, so each
    round takes the overshoot off the room; it converges in two or three rounds.
    """
    while room >= minimum:
        candidate = truncate(text, room)
        overshoot = _size(build(candidate)) - limit
        if overshoot <= 0:
            return candidate
        room -= overshoot
    return None
