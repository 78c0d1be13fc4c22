"""Telegram text and entities → HTML for the demo page, safe by construction.

The bot's own HTML is never put on the page. The double parses what the bot sent into plain
text plus entities (UTF-16 offsets), exactly as Telegram does, and this module rebuilds markup
from those: every piece of text goes through `html.escape`, the only tags written are a fixed
set chosen here, and a link's address becomes an ``href`` only for a few safe schemes. So
nothing an article contains (a headline with ``<script>``, a ``javascript:`` link) can run in
the page, whatever the bot did with it.

Clients also highlight things Telegram detects by itself (hashtags, bare links, @mentions and,
in chats with a bot, /commands); the double does not compute those entities, so they are found
here in the text outside links and code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import Any

Span = tuple[int, int, dict[str, Any]]  # start and end as str indices, and the entity

_SAFE_SCHEMES = ("http://", "https://", "tg://", "mailto:")
_TAGS: dict[str, tuple[str, str]] = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "spoiler": ('<span class="spoiler">', "</span>"),
    "code": ("<code>", "</code>"),
    "pre": ("<pre>", "</pre>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ('<blockquote class="expandable">', "</blockquote>"),
}
# Inside these nothing more is detected: no link inside a link, code shows verbatim.
_OPAQUE = frozenset({"text_link", "url", "code", "pre"})
_DETECTED = re.compile(
    r"(?P<url>\bhttps?://[^\s<>\"']*[^\s<>\"'.,;:!?)\]}])"
    r"|(?P<hashtag>(?<![\w#])#\w*[^\W\d]\w*)"
    r"|(?P<mention>(?<![\w@])@[A-Za-z]\w{3,31}\b)"
    r"|(?P<command>(?<![\w/])/[A-Za-z]\w{0,31}(?:@[A-Za-z]\w{3,31})?\b)"
)


def safe_href(url: str) -> str | None:
    """The URL if it is safe to link to from the page, else None."""
    cleaned = url.strip()
    return cleaned if cleaned.lower().startswith(_SAFE_SCHEMES) else None


def link_open(url: str, css: str = "") -> str:
    """An opening ``<a>`` for a message link (new tab, no referrer), or a span if unsafe."""
    href = safe_href(url)
    title = escape(url, quote=True)
    if href is None:
        return f'<span class="link blocked" title="link not shown: {title}">'
    extra = f' class="{css}"' if css else ""
    return (
        f'<a href="{escape(href, quote=True)}"{extra} target="_blank" '
        f'rel="noopener noreferrer nofollow" title="{title}">'
    )


def _closing(opening: str) -> str:
    return "</a>" if opening.startswith("<a ") else "</span>"


def _utf16_index_map(text: str) -> list[int]:
    """For each UTF-16 offset, the str index of the character it falls in (plus the end)."""
    positions: list[int] = []
    for index, char in enumerate(text):
        positions.append(index)
        if ord(char) > 0xFFFF:  # a surrogate pair: two units, one character
            positions.append(index)
    positions.append(len(text))
    return positions


def _spans(text: str, entities: Sequence[dict[str, Any]]) -> list[Span]:
    positions = _utf16_index_map(text)
    spans: list[Span] = []
    for entity in entities:
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or length <= 0:
            continue
        if offset < 0 or offset >= len(positions):
            continue
        start = positions[offset]
        end = positions[min(offset + length, len(positions) - 1)]
        if end > start:
            spans.append((start, end, entity))
    return spans


def _order(span: Span) -> tuple[int, int]:
    return span[0], -span[1]


def _detected(text: str, *, commands: bool) -> str:
    """Escaped text with hashtags, bare links, mentions (and /commands) marked up."""
    out: list[str] = []
    pos = 0
    for match in _DETECTED.finditer(text):
        kind = match.lastgroup
        if kind == "command" and not commands:
            continue
        out.append(escape(match.string[pos : match.start()]))
        shown = escape(match.group())
        if kind == "url":
            out.append(f"{link_open(match.group())}{shown}</a>")
        elif kind == "command":
            out.append(f'<a class="cmd" role="button" tabindex="0" data-cmd="{shown}">{shown}</a>')
        else:
            out.append(f'<span class="{kind}">{shown}</span>')
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def _tags(entity: dict[str, Any]) -> tuple[str, str]:
    kind = entity.get("type")
    if kind == "text_link":
        opening = link_open(str(entity.get("url", "")))
        return opening, _closing(opening)
    if kind in _TAGS:
        return _TAGS[str(kind)]
    if kind in ("hashtag", "cashtag", "mention", "bot_command", "url", "text_mention"):
        return f'<span class="{escape(str(kind), quote=True)}">', "</span>"
    return "", ""  # custom emoji, unknown kinds: the text shows, unstyled


class _Renderer:
    """Walks the entity tree of one text, writing escaped text and fixed tags to `out`."""

    def __init__(self, text: str, *, commands: bool) -> None:
        self.text = text
        self.commands = commands
        self.out: list[str] = []

    def plain(self, start: int, end: int, opaque: bool) -> None:
        chunk = self.text[start:end]
        self.out.append(escape(chunk) if opaque else _detected(chunk, commands=self.commands))

    def render(self, start: int, end: int, spans: list[Span], opaque: bool) -> None:
        pending = sorted(spans, key=_order)
        pos = start
        while pending:
            (s, e, entity), pending = pending[0], pending[1:]
            inner: list[Span] = []
            later: list[Span] = []
            for span in pending:  # entities inside this one; one crossing its end is split
                if span[0] >= e:
                    later.append(span)
                elif span[1] <= e:
                    inner.append(span)
                else:
                    inner.append((span[0], e, span[2]))
                    later.append((e, span[1], span[2]))
            pending = sorted(later, key=_order)
            self.plain(pos, s, opaque)
            opening, closing = _tags(entity)
            self.out.append(opening)
            self.render(s, e, inner, opaque or entity.get("type") in _OPAQUE)
            self.out.append(closing)
            pos = e
        self.plain(pos, end, opaque)


def entities_to_html(
    text: str, entities: Sequence[dict[str, Any]], *, commands: bool = False
) -> str:
    """Safe HTML for a message's text and entities; `commands` marks /commands clickable."""
    renderer = _Renderer(text, commands=commands)
    renderer.render(0, len(text), _spans(text, entities), False)
    return "".join(renderer.out)
