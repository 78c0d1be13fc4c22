"""Fitting any HTML message to editors within Telegram's limit, measured as Telegram measures.

Telegram counts a message's length in UTF-16 units of the text *after* entity parsing: tags
are free, `&amp;` is one unit, an emoji two. A message over the limit is refused whole, so an
editor would get nothing exactly when the counts are large (/status during an outage). Every
message to editors passes `fit_html` on its way out (`AdminNotifier.send` for notices, alerts,
source failures and error reports; `send_reply` for command answers). The builders still
summarise ("12 sources failing: … and 9 more"); this is the guarantee behind them.

A cut prefers a line end outside any tag, so whole lines go and the message says how many;
otherwise the text is cut inside (between grapheme clusters, through `truncate`) and the tags
still open are closed, so the result always parses.
"""

from __future__ import annotations

import html
import re

from bot.rendering.card import TEXT_LIMIT
from bot.rendering.text import escape_html, truncate, utf16_len

_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"^<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)")


def visible_text(message: str) -> str:
    """The text Telegram shows for an HTML message: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", message))


def visible_len(message: str) -> int:
    """The length Telegram checks against its limits (UTF-16 units after parsing)."""
    return utf16_len(visible_text(message))


def fit_html(message: str, limit: int = TEXT_LIMIT) -> str:
    """`message` unchanged if it fits in `limit` visible units; else cut so that it does."""
    if visible_len(message) <= limit:
        return message
    by_lines = _cut_at_line(message, limit)
    return by_lines if by_lines is not None else _cut_inside(message, limit)


def _track(open_tags: list[str], tag: str) -> None:
    """Keep the stack of open tags up to date with one tag."""
    match = _TAG_NAME.match(tag)
    if match is None or tag.endswith("/>"):
        return
    closing, name = match.group(1) == "/", match.group(2).lower()
    if not closing:
        open_tags.append(name)
    elif name in open_tags:
        del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name) :]


def _cut_at_line(message: str, limit: int) -> str | None:
    """Drop whole trailing lines and say how many; None when that would keep under half."""
    parts = _TAG.split(message)
    open_tags: list[str] = []
    offset = units = 0
    breaks: list[tuple[int, int, int]] = []  # (offset, units before, newline number), no tag open
    newlines = 0
    for index, part in enumerate(parts):
        if index % 2:
            _track(open_tags, part)
        else:
            start = 0
            while (found := part.find("\n", start)) >= 0:
                before = units + utf16_len(html.unescape(part[:found]))
                if not open_tags:
                    breaks.append((offset + found, before, newlines))
                newlines += 1
                start = found + 1
            units += utf16_len(html.unescape(part))
        offset += len(part)
    for at, before, number in reversed(breaks):
        dropped = newlines - number
        note = f"\n… and {dropped} more line{'s' if dropped != 1 else ''}"
        if before + utf16_len(note) <= limit:
            return message[:at] + note if before * 2 >= limit else None
    return None


def _cut_inside(message: str, limit: int) -> str:
    """Cut the visible text at `limit` units (ending in "…") and close the open tags."""
    parts = _TAG.split(message)
    open_tags: list[str] = []
    out: list[str] = []
    units = 0
    for index, part in enumerate(parts):
        if index % 2:
            _track(open_tags, part)
            out.append(part)
            continue
        text = html.unescape(part)
        size = utf16_len(text)
        if units + size < limit:  # strictly: the "…" that ends a cut needs one unit
            out.append(part)
            units += size
            continue
        out.append(escape_html(truncate(text, limit - units)))
        break
    out.extend(f"</{name}>" for name in reversed(open_tags))
    return "".join(out)
