"""Shared test helpers: an Article builder and the renderer's view of the fake's HTML parser."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.domain import Article
from sandbox.fakeapi.html import HtmlParseError, parse_html

NOW = datetime(2026, 11, 27, 12, 5, tzinfo=UTC)


def make_article(**overrides: Any) -> Article:
    """An Article with sensible defaults; keyword arguments replace any field."""
    fields: dict[str, Any] = {
        "id": 1,
        "guid": "guid-1",
        "url": "https://example.com/news/1",
        "title": "A title",
        "category": "International News",
        "byline": "Staff, Agencies",
        "published_at": NOW,
        "summary": None,
        "body": "First paragraph.\nSecond paragraph.",
        "image_url": None,
        "language": "en",
        "created_at": NOW,
        "updated_at": NOW,
    }
    fields.update(overrides)
    return Article(**fields)


TelegramHTMLError = HtmlParseError  # the name the rendering tests know it by

# What the renderer's posts use: bold (the label and the title), italic and links.
_RENDERED_ENTITIES = frozenset({"bold", "italic", "text_link"})


def parse_telegram_html(source: str) -> tuple[str, list[str]]:
    """Check markup with the fake's parser; return the text Telegram would show and bold runs.

    The parser is strict (a bare & or an unknown attribute is a renderer bug even where
    Telegram would tolerate it), and the post may use only the renderer's entities.
    """
    text, entities = parse_html(source, strict=True)
    if other := [entity for entity in entities if entity["type"] not in _RENDERED_ENTITIES]:
        raise TelegramHTMLError(f"markup the renderer never emits: {other}")
    units = text.encode("utf-16-le")  # entity offsets and lengths count UTF-16 code units
    bold = [
        units[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in entities
        if e["type"] == "bold"
    ]
    return text, bold
