"""Shared test helpers: an Article builder and a strict checker of Telegram's HTML subset."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from bot.domain import Article

NOW = datetime(2026, 11, 27, 12, 5, tzinfo=UTC)

# Telegram entities: &lt; &gt; &amp; &quot; (and numeric ones, which the renderer never emits).
_RAW_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot);)")
_RAW_TAG_START = re.compile(r"<(?!/?(?:b|i|a)\b)")
_ALLOWED_ATTRIBUTES = {"b": frozenset(), "i": frozenset(), "a": frozenset({"href"})}


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


class TelegramHTMLError(AssertionError):
    """The markup is something Telegram's HTML parse mode would reject or misread."""


class _StrictTelegramHTML(HTMLParser):
    """Accepts only <b>, <i> and <a href>, properly nested; collects text and bold runs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.bold: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        allowed = _ALLOWED_ATTRIBUTES.get(tag)
        if allowed is None or any(name not in allowed for name, _ in attrs):
            raise TelegramHTMLError(f"tag not accepted by Telegram: <{tag} {attrs}>")
        if tag in self.stack:
            raise TelegramHTMLError(f"<{tag}> nested in itself")
        self.stack.append(tag)
        if tag == "b":
            self.bold.append("")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            raise TelegramHTMLError(f"unbalanced </{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise TelegramHTMLError(f"self-closing <{tag}/>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if "b" in self.stack:
            self.bold[-1] += data

    def handle_comment(self, data: str) -> None:
        raise TelegramHTMLError("comment")

    def handle_decl(self, decl: str) -> None:
        raise TelegramHTMLError("declaration")

    def handle_pi(self, data: str) -> None:
        raise TelegramHTMLError("processing instruction")

    def unknown_decl(self, data: str) -> None:
        raise TelegramHTMLError("unknown declaration")


def parse_telegram_html(source: str) -> tuple[str, list[str]]:
    """Check markup strictly; return its text as Telegram would show it, and the bold runs."""
    if match := _RAW_AMPERSAND.search(source):
        raise TelegramHTMLError(
            f"unescaped & at {match.start()}: {source[match.start() :][:20]!r}"
        )
    if match := _RAW_TAG_START.search(source):
        raise TelegramHTMLError(
            f"unescaped < at {match.start()}: {source[match.start() :][:20]!r}"
        )
    parser = _StrictTelegramHTML()
    parser.feed(source)
    parser.close()
    if parser.stack:
        raise TelegramHTMLError(f"unclosed tags: {parser.stack}")
    return "".join(parser.text), parser.bold
